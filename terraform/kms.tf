# Customer-managed keys, rotated yearly: one for data (DocumentDB, ECR, Secrets Manager),
# one for CloudWatch Logs (which needs its own grant in the key policy).

locals {
  kms_keys = {
    data = {
      description = "DocumentDB, ECR and Secrets Manager"
      policy      = data.aws_iam_policy_document.key_admin.json
    }
    logs = {
      description = "CloudWatch Logs"
      policy      = data.aws_iam_policy_document.logs_key.json
    }
  }
}

data "aws_iam_policy_document" "key_admin" {
  # A key policy's Resource "*" is the key itself, and the account-root statement is AWS's
  # default key policy: it delegates the key's use to IAM policies, which name this key.
  #checkov:skip=CKV_AWS_109:Key policy: "*" is this key; the root statement delegates to IAM
  #checkov:skip=CKV_AWS_111:Key policy: "*" is this key; the root statement delegates to IAM
  #checkov:skip=CKV_AWS_356:Key policy: "*" is this key; the root statement delegates to IAM
  statement {
    sid       = "AccountAdministersTheKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

data "aws_iam_policy_document" "logs_key" {
  #checkov:skip=CKV_AWS_109:Key policy: "*" is this key; the root statement delegates to IAM
  #checkov:skip=CKV_AWS_111:Key policy: "*" is this key; the root statement delegates to IAM
  #checkov:skip=CKV_AWS_356:Key policy: "*" is this key; the root statement delegates to IAM
  source_policy_documents = [data.aws_iam_policy_document.key_admin.json]

  statement {
    sid       = "CloudWatchLogsUsesTheKeyForThisAccountsLogGroups"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key" "this" {
  for_each                = local.kms_keys
  description             = "${local.prefix}: ${each.value.description}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = each.value.policy
}

resource "aws_kms_alias" "this" {
  for_each      = local.kms_keys
  name          = "alias/${local.prefix}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}
