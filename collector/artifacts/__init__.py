"""collector.artifacts"""
