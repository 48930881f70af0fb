# Mail through SES: the domain identity (Easy DKIM; publish the DKIM records it outputs) and
# a configuration set that refuses to deliver without TLS and keeps reputation metrics.
# The SMTP interface authenticates IAM users only: the smtp user may send from this
# identity through this configuration set and nothing else. Create its access key and
# derive the SMTP password outside terraform (README), so no credential enters state.

resource "aws_sesv2_configuration_set" "ibtool" {
  configuration_set_name = local.prefix

  delivery_options {
    tls_policy = "REQUIRE"
  }

  reputation_options {
    reputation_metrics_enabled = true
  }

  sending_options {
    sending_enabled = true
  }

  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }
}

resource "aws_sesv2_email_identity" "ibtool" {
  email_identity         = var.mail_domain
  configuration_set_name = aws_sesv2_configuration_set.ibtool.configuration_set_name
}

data "aws_iam_policy_document" "send_mail" {
  statement {
    sid     = "SendFromTheIdentityThroughTheConfigurationSet"
    actions = ["ses:SendEmail", "ses:SendRawEmail"]
    resources = [
      aws_sesv2_email_identity.ibtool.arn,
      aws_sesv2_configuration_set.ibtool.arn,
    ]
  }
}

resource "aws_iam_policy" "send_mail" {
  name   = "${local.prefix}-send-mail"
  policy = data.aws_iam_policy_document.send_mail.json
}

resource "aws_iam_group" "smtp" {
  name = "${local.prefix}-smtp"
}

resource "aws_iam_group_policy_attachment" "smtp_send_mail" {
  group      = aws_iam_group.smtp.name
  policy_arn = aws_iam_policy.send_mail.arn
}

resource "aws_iam_user" "smtp" {
  #checkov:skip=CKV_AWS_273:SES's SMTP interface accepts only SMTP credentials derived from an IAM user's access key; this user can only send mail (group policy)
  name = "${local.prefix}-smtp"
}

resource "aws_iam_user_group_membership" "smtp" {
  user   = aws_iam_user.smtp.name
  groups = [aws_iam_group.smtp.name]
}
