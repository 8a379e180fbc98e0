"""The Kompetenzlandschaft blueprint: one for the whole package, so endpoint names
stay stable wherever a view lives."""

from flask import Blueprint

bp = Blueprint("landscape", __name__)
