# The application's secrets, as empty Secrets Manager secrets encrypted with the data key.
# Their values never pass through code or state: put them with
#   aws secretsmanager put-secret-value --secret-id <name> --secret-string file://...
# (README, "Deploying"). The k8s SecretProviderClass mounts them by these names.

locals {
  app_secrets = {
    # mongodb://<user>:<password>@<docdb endpoint>:27017/ibtool?tls=true&tlsCAFile=...
    "mongo-uri" = "IBTOOL_MONGO_URI: the app user's DocumentDB connection string"
    # {"username": ..., "password": ...}: SES SMTP credentials of the smtp IAM user
    "smtp" = "SES SMTP credentials (JSON: username, password)"
    # {"cert": PEM, "key": PEM}: the Temporal client certificate for mutual TLS
    "temporal-client-tls" = "Temporal client certificate and key (JSON: cert, key)"
    # The payload codec's keys (PHI encryption)
    "codec-keys" = "Payload codec keys for PHI in Temporal payloads"
  }
}

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:People set these values (the app's DocumentDB user, SES SMTP keys, the Temporal client certificate, codec keys that old payloads still need); rotation is a runbook, not yet a rotation Lambda
  for_each                = local.app_secrets
  name                    = "${local.secret_prefix}/${each.key}"
  description             = each.value
  kms_key_id              = aws_kms_key.this["data"].arn
  recovery_window_in_days = 30
}
