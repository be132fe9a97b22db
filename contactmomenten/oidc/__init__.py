"""OpenID Connect login for the admin and KCM sessions, built on mozilla-django-oidc.

- ``provider``: is OIDC on, the provider's discovery document, the role in a user's claims;
- ``backends``: the login itself (claims -> user, matched on ``sub``, rights from the role) and
  the local password login that stays for break-glass superusers;
- ``views``: start of the authorization-code flow (with PKCE), callback, refusal page, logout
  with RP-initiated logout at the provider, the landing page of KCM users.

Everything is decided per request from the settings, so OIDC switches on and off with
``OIDC_AUTHORITY`` alone.
"""
