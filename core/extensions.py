"""Every Flask extension object, created unbound and initialised in the factory."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from core.db import db

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
__all__ = ["babel", "csrf", "db", "login_manager"]
