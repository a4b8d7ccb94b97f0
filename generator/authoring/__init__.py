"""Writing post-mortems: a new one from the template, a new knowledge base, a timeline from Slack."""
