"""collector.probes"""
