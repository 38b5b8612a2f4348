"""reportgen.i18n"""
