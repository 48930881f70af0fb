# Customer-managed keys, rotated yearly: one for data (DocumentDB, ECR, Secrets Manager),
# one for CloudWatch Logs (which needs its own grant in the key policy).

data "aws_iam_policy_document" "data_key" {
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

resource "aws_kms_key" "data" {
  description             = "${local.prefix}: DocumentDB, ECR and Secrets Manager"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.data_key.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.prefix}-data"
  target_key_id = aws_kms_key.data.key_id
}

data "aws_iam_policy_document" "logs_key" {
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

resource "aws_kms_key" "logs" {
  description             = "${local.prefix}: CloudWatch Logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.logs_key.json
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${local.prefix}-logs"
  target_key_id = aws_kms_key.logs.key_id
}
