"""core.inspect_cnn: probabilities, feature maps, filters and saliency of one image."""

import numpy as np
import torch

from core.base import seeded
from core.inspect_cnn import look_inside_cnn, saliency
from core.models import CNN, CNNSpec
from core.network_spec import Network, tutorial_blocks


def an_image() -> np.ndarray:
    x = np.zeros((28, 28), np.float32)
    x[6:22, 12:16] = 1.0  # a "1"
    return x


def test_the_view_has_the_seed_networks_shapes():
    model = seeded(CNN, 1).eval()
    view = look_inside_cnn(model, an_image())
    assert view.probabilities.shape == (10,) and abs(view.probabilities.sum() - 1) < 1e-5
    assert [maps.shape for maps in view.block_maps] == [(16, 28, 28), (32, 14, 14)]
    assert view.conv1_filters.shape == (16, 5, 5)
    assert all((maps >= 0).all() for maps in view.block_maps)  # after ReLU
    assert view.saliency.shape == (28, 28)


def test_the_view_agrees_with_the_models_forward_and_other_sizes():
    model = seeded(lambda: CNN(Network(tutorial_blocks((8, 12), 3))), 2).eval()
    image = an_image()
    view = look_inside_cnn(model, image)
    with torch.inference_mode():
        logits, _ = model(torch.from_numpy(image)[None, None])
    np.testing.assert_allclose(view.probabilities, logits[0].softmax(0).numpy(), atol=1e-6)
    np.testing.assert_allclose(view.conv1_filters, model.conv1[0].weight[:, 0].detach().numpy())
    assert [maps.shape for maps in view.block_maps] == [(8, 28, 28), (12, 14, 14)]


def test_the_view_shows_every_block_of_a_students_network():
    model = CNNSpec(blocks="8c3-bn-p,12c3-tanh-np,4c1-ap", fc="16-d0.5").build(0).eval()
    view = look_inside_cnn(model, an_image())
    assert [maps.shape for maps in view.block_maps] == [(8, 28, 28), (12, 12, 12), (4, 12, 12)]
    assert (np.abs(view.block_maps[1]) <= 1).all() and (view.block_maps[1] < 0).any()  # tanh's, before pooling
    with torch.inference_mode():
        expected = model.conv1[:3](torch.from_numpy(an_image())[None, None])  # conv, batch norm, ReLU
    np.testing.assert_allclose(view.block_maps[0], expected[0].numpy(), atol=1e-6)


def test_saliency_lies_on_the_ink_and_peaks_at_one():
    model = seeded(CNN, 1).eval()
    image = an_image()
    target = int(look_inside_cnn(model, image).probabilities.argmax())
    s = saliency(model, image, target)
    assert s.max() == 1.0 and s.min() >= 0.0
    assert (s[image == 0] == 0).all()  # gradient x input: nothing where nothing is drawn


def test_saliency_marks_the_pixels_that_raise_the_score():
    """A hand-made CNN whose class-0 score is the ink in the left half: only left ink is salient."""
    model = CNN(Network(tutorial_blocks((1, 1), 1))).eval()
    with torch.no_grad():
        for conv in (model.conv1[0], model.conv2[0]):
            conv.weight.fill_(1.0)
            conv.bias.zero_()
        model.out.weight.zero_()
        model.out.bias.zero_()
        model.out.weight[0].view(7, 7)[:, :3] = 1.0  # columns 0..11 of the image, after two 2x2 pools
    image = np.zeros((28, 28), np.float32)
    image[10:14, 4:8] = 1.0  # left
    image[10:14, 20:24] = 1.0  # right
    s = saliency(model, image, target=0)
    assert s[10:14, 4:8].max() == 1.0 and s[:, 14:].max() == 0  # max-pooling passes one pixel per window


def test_the_model_is_left_untouched():
    model = seeded(CNN, 1).eval()
    before = [p.clone() for p in model.parameters()]
    look_inside_cnn(model, an_image())
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert all(p.grad is None for p in model.parameters())
