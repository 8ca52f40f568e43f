"""micrograd_ed: a scalar autograd engine with graph pictures, for teaching backprop."""

from micrograd_ed.engine import Value, detect_anomaly, dot, fused_sum, topological_order, zero_grad

__all__ = ["Value", "detect_anomaly", "dot", "fused_sum", "topological_order", "zero_grad"]
__version__ = "0.1.0"
