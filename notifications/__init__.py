"""Email for notifications: the jinja2 templates (``templates/``) and the renderer."""
