"""vmcbench collector: measures processes, containers and VMs on a real host."""

__version__ = "0.1.0"
