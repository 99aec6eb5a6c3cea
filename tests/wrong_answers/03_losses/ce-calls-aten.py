# replaces: ex5_cross_entropy
# fails: ex5_test_values, ex5_test_gradient
# Reaches PyTorch's kernels through torch.ops.aten, which no watched function name covers: its kernels give it away.
import torch

def cross_entropy(logits, targets):
    return torch.ops.aten.nll_loss_nd(torch.ops.aten._log_softmax(logits, 1, False), targets, None, 1, -100)
