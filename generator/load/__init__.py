"""Load stage: read YAML and Markdown exactly as staff wrote them."""
