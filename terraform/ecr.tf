# The one image (api and worker). Tags are immutable, so a tag names one build for good.

resource "aws_ecr_repository" "ibtool" {
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.this["data"].arn
  }
}

resource "aws_ecr_lifecycle_policy" "ibtool" {
  repository = aws_ecr_repository.ibtool.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Expire untagged images after 14 days"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = 14
      }
      action = { type = "expire" }
    }]
  })
}
