variable "region" {
  description = "AWS region for every resource (and the SES SMTP endpoint)."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Application name: prefixes resource names and the secrets' path."
  type        = string
  default     = "ibtool"
}

variable "environment" {
  description = "Environment name (prod, staging): part of names and the secrets' path."
  type        = string
  default     = "prod"
}

variable "vpc_id" {
  description = "The existing VPC the EKS cluster runs in."
  type        = string
}

variable "private_subnet_ids" {
  description = "Existing private subnets, in at least two availability zones, for DocumentDB."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "DocumentDB needs subnets in at least two availability zones."
  }
}

variable "eks_cluster_name" {
  description = "The existing EKS cluster: its OIDC provider trusts the service accounts (IRSA) and its security group reaches DocumentDB."
  type        = string
}

variable "k8s_namespace" {
  description = "Kubernetes namespace of the api and worker (k8s/namespace.yaml)."
  type        = string
  default     = "ibtool"
}

variable "k8s_service_accounts" {
  description = "Service account of each component (k8s/serviceaccounts.yaml)."
  type = object({
    api    = string
    worker = string
  })
  default = {
    api    = "ibtool-api"
    worker = "ibtool-worker"
  }
}

variable "mail_domain" {
  description = "Domain IBTool sends mail from (SES domain identity; publish its DKIM records)."
  type        = string
}

variable "docdb_engine_version" {
  description = "DocumentDB engine version (MongoDB 5.0 API compatibility)."
  type        = string
  default     = "5.0.0"
}

variable "docdb_instance_class" {
  description = "DocumentDB instance class."
  type        = string
  default     = "db.r6g.large"
}

variable "docdb_instance_count" {
  description = "DocumentDB instances: one primary and replicas in other zones."
  type        = number
  default     = 2
}

variable "backup_retention_days" {
  description = "Days of DocumentDB automated backups (the maximum is 35)."
  type        = number
  default     = 35

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "Keep between 7 and 35 days of backups."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the application's and DocumentDB's logs."
  type        = number
  default     = 731
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
