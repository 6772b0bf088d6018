class SecurityCodeConverter:
    """A security code: A-shares 6 digits, Hong Kong 5 digits, US tickers (BRK.B)."""

    regex = r"[0-9]{5,6}|[A-Z][A-Z0-9.]{0,9}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
