"""What must not reach a page: the HTML allow-list, and credentials and personal data found in text."""
