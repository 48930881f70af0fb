output "ecr_repository_url" {
  description = "Push the image here; `kustomize edit set image ibtool=<this>:<tag>`."
  value       = aws_ecr_repository.ibtool.repository_url
}

output "api_role_arn" {
  description = "Annotate the ibtool-api service account with eks.amazonaws.com/role-arn."
  value       = aws_iam_role.component["api"].arn
}

output "worker_role_arn" {
  description = "Annotate the ibtool-worker service account with eks.amazonaws.com/role-arn."
  value       = aws_iam_role.component["worker"].arn
}

output "docdb_endpoint" {
  description = "DocumentDB cluster (writer) endpoint, for the mongo-uri secret."
  value       = aws_docdb_cluster.ibtool.endpoint
}

output "docdb_reader_endpoint" {
  description = "DocumentDB reader endpoint."
  value       = aws_docdb_cluster.ibtool.reader_endpoint
}

output "docdb_master_user_secret_arn" {
  description = "The Secrets Manager secret DocumentDB keeps the master password in."
  value       = aws_docdb_cluster.ibtool.master_user_secret[0].secret_arn
}

output "secret_names" {
  description = "Secrets to fill (values never in terraform): name by purpose."
  value       = { for key, secret in aws_secretsmanager_secret.app : key => secret.name }
}

output "smtp_endpoint" {
  description = "IBTOOL_SMTP_HOST (port 587, STARTTLS)."
  value       = "email-smtp.${var.region}.amazonaws.com"
}

output "smtp_iam_user" {
  description = "Create this user's access key and derive its SES SMTP password (README)."
  value       = aws_iam_user.smtp.name
}

output "ses_configuration_set" {
  description = "SES configuration set the identity sends through."
  value       = aws_sesv2_configuration_set.ibtool.configuration_set_name
}

output "ses_dkim_tokens" {
  description = "Publish <token>._domainkey.<mail_domain> CNAME <token>.dkim.amazonses.com."
  value       = aws_sesv2_email_identity.ibtool.dkim_signing_attributes[0].tokens
}

output "app_log_group" {
  description = "CloudWatch log group for the application's logs."
  value       = aws_cloudwatch_log_group.app.name
}
