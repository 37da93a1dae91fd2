"""快办 Kuaiban: an integrated service platform for human-resources and social-security bureaus."""
