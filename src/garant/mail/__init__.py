"""One outbox for every mail Garant sends, over SMTP."""
