# The application's log group (ship container logs here, e.g. with Fluent Bit), and
# DocumentDB's exported logs, created ahead so they get retention and encryption.

resource "aws_cloudwatch_log_group" "app" {
  name              = "/${var.name}/${var.environment}/app"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn
}

resource "aws_cloudwatch_log_group" "docdb" {
  for_each          = toset(["audit", "profiler"])
  name              = "/aws/docdb/${local.prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn
}
