# Terraform and the AWS provider, pinned. State lives in S3 with locking: pass the bucket,
# key and region at init (`terraform init -backend-config=backend.hcl`); see README.
terraform {
  required_version = ">= 1.10, < 2.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.x: aws_docdb_cluster's manage_master_user_password.
      version = "~> 6.0"
    }
  }

  backend "s3" {}
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, {
      Application = var.name
      Environment = var.environment
      ManagedBy   = "terraform"
    })
  }
}
