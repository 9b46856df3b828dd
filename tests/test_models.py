import pytest
import torch

from core.models import CNN, count_parameters, layer_table
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
