import pytest
import torch
from torch import nn

from core.models import CNN, CNNSpec, count_parameters, layer_table
from core.network_spec import Network, tutorial_blocks


def test_cnn_is_the_tutorial_network_by_default():
    model = CNN()
    logits, features = model(torch.zeros(4, 1, 28, 28))
    assert logits.shape == (4, 10) and features.shape == (4, 32 * 7 * 7)
    assert model.conv1[0].out_channels == 16 and model.conv1[0].kernel_size == (5, 5)
    assert model.conv1[0].padding == (2, 2) and model.out.in_features == 1568
    assert count_parameters(model) == 28938  # the tutorial network's parameter count


@pytest.mark.parametrize("kernel", [3, 7])
def test_channels_and_kernel_are_configurable(kernel):
    model = CNN(Network(tutorial_blocks((8, 12), kernel)))
    logits, features = model(torch.zeros(2, 28, 28))  # (B, 28, 28) is accepted too
    assert logits.shape == (2, 10) and features.shape == (2, 12 * 7 * 7)


def test_even_kernels_are_refused():
    with pytest.raises(ValueError):
        CNN(Network(tutorial_blocks(kernel=4)))


def test_layer_table_lists_shapes_and_parameters():
    rows = layer_table(CNN(), torch.zeros(1, 28, 28))
    assert [r["output shape"] for r in rows] == [
        (16, 28, 28), (16, 28, 28), (16, 14, 14), (32, 14, 14), (32, 14, 14), (32, 7, 7), (10,)]
    assert sum(r["parameters"] for r in rows) == count_parameters(CNN())


def test_relu_works_in_place_with_the_same_outputs_and_gradients_as_a_plain_one():
    import copy

    spec = CNNSpec(blocks="8c3-bn-p,16c3-p", fc="32")
    model = spec.build(0)
    plain = copy.deepcopy(model)
    relus = [module for module in plain.modules() if isinstance(module, nn.ReLU)]
    assert len(relus) == 3 and all(module.inplace for module in relus)  # each block's and the hidden layer's
    for module in relus:
        module.inplace = False
    x = torch.rand(4, 28, 28)
    outputs = [net(x) for net in (model, plain)]
    for logits, _ in outputs:
        logits.sum().backward()
    assert torch.equal(outputs[0][0], outputs[1][0]) and torch.equal(outputs[0][1], outputs[1][1])
    assert all(torch.equal(a.grad, b.grad) for a, b in zip(model.parameters(), plain.parameters(), strict=True))
