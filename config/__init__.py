"""Configuration files shipped with IBTool, and their loaders."""
