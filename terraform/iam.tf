# One IAM role per service account (IRSA), trusted only by that service account in that
# namespace. Each reads only its own secrets (the Secrets Store CSI driver reads them as
# the pod); the worker, which sends the mail, may also send through SES.

locals {
  component_secrets = {
    api    = ["mongo-uri", "temporal-client-tls", "codec-keys"]
    worker = ["mongo-uri", "temporal-client-tls", "codec-keys", "smtp"]
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = var.k8s_service_accounts

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [data.aws_iam_openid_connect_provider.eks.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.k8s_namespace}:${each.value}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "component" {
  for_each             = var.k8s_service_accounts
  name                 = "${local.prefix}-${each.key}"
  description          = "IBTool ${each.key} pods (service account ${var.k8s_namespace}/${each.value})"
  assume_role_policy   = data.aws_iam_policy_document.trust[each.key].json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "read_secrets" {
  for_each = local.component_secrets

  statement {
    sid       = "ReadOwnSecrets"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [for secret in each.value : aws_secretsmanager_secret.app[secret].arn]
  }

  statement {
    sid       = "DecryptThemThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.this["data"].arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  for_each = local.component_secrets
  name     = "read-secrets"
  role     = aws_iam_role.component[each.key].id
  policy   = data.aws_iam_policy_document.read_secrets[each.key].json
}

resource "aws_iam_role_policy_attachment" "worker_send_mail" {
  role       = aws_iam_role.component["worker"].name
  policy_arn = aws_iam_policy.send_mail.arn
}
