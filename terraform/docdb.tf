# The store: Amazon DocumentDB (MongoDB-compatible; see README for the caveats), encrypted
# with the data key, TLS required, audit and profiler logs to CloudWatch, 35 days of
# backups, protected from deletion. DocumentDB keeps the master password in Secrets
# Manager itself (never in code or state). The app connects as its own user; put that
# user's URI in the mongo-uri secret.

resource "aws_docdb_subnet_group" "ibtool" {
  name       = local.prefix
  subnet_ids = var.private_subnet_ids
}

resource "aws_security_group" "docdb" {
  name        = "${local.prefix}-docdb"
  description = "DocumentDB: reachable from the EKS cluster only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "docdb_from_eks" {
  security_group_id            = aws_security_group.docdb.id
  description                  = "MongoDB wire protocol from the EKS cluster's pods"
  referenced_security_group_id = data.aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 27017
  to_port                      = 27017
}

resource "aws_docdb_cluster_parameter_group" "ibtool" {
  name        = "${local.prefix}-docdb5"
  family      = "docdb5.0"
  description = "${local.prefix}: TLS required, audit and profiler logs on"

  parameter {
    name  = "tls"
    value = "enabled"
  }

  parameter {
    name  = "audit_logs"
    value = "enabled"
  }

  parameter {
    name  = "profiler"
    value = "enabled"
  }

  parameter {
    name  = "profiler_threshold_ms"
    value = "200"
  }
}

resource "aws_docdb_cluster" "ibtool" {
  cluster_identifier              = local.prefix
  engine                          = "docdb"
  engine_version                  = var.docdb_engine_version
  master_username                 = "ibtooladmin"
  manage_master_user_password     = true
  db_subnet_group_name            = aws_docdb_subnet_group.ibtool.name
  db_cluster_parameter_group_name = aws_docdb_cluster_parameter_group.ibtool.name
  vpc_security_group_ids          = [aws_security_group.docdb.id]
  storage_encrypted               = true
  kms_key_id                      = aws_kms_key.this["data"].arn
  backup_retention_period         = var.backup_retention_days
  preferred_backup_window         = "02:00-03:00"
  preferred_maintenance_window    = "sun:04:00-sun:05:00"
  deletion_protection             = true
  skip_final_snapshot             = false
  final_snapshot_identifier       = "${local.prefix}-final"
  copy_tags_to_snapshot           = true
  enabled_cloudwatch_logs_exports = ["audit", "profiler"]
  apply_immediately               = false

  depends_on = [aws_cloudwatch_log_group.docdb]
}

resource "aws_docdb_cluster_instance" "ibtool" {
  count                      = var.docdb_instance_count
  identifier                 = "${local.prefix}-${count.index}"
  cluster_identifier         = aws_docdb_cluster.ibtool.id
  instance_class             = var.docdb_instance_class
  auto_minor_version_upgrade = true
  ca_cert_identifier         = "rds-ca-rsa2048-g1"
}
