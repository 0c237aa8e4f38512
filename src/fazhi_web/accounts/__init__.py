"""Signing in and keeping an account safe: the sign-in form with its optional second factor (a TOTP code from a
phone authenticator, django-otp), and the page where a person sets the second factor up or turns it off."""
