"""core.network_spec and the CNN it builds: the link grammar round-trips, the tutorial's network is the
tutorial's module and weights, the shape table agrees with torch, and an impossible or too costly network is
refused naming its layer."""

import math

import pytest
import torch
from torch import nn

from core.base import seeded
from core.models import CNN, CNNSpec, count_parameters
from core.network_spec import (
    MAX_COST,
    MAX_PARAMETERS,
    TUTORIAL,
    ConvBlock,
    Hidden,
    Network,
    NetworkError,
    check,
    format_blocks,
    format_hidden,
    parse,
    parse_blocks,
    parse_hidden,
    shape_table,
)

NETWORKS = [  # (blocks, fc) as the grammar writes them
    ("16c5-p,32c5-p", ""),
    ("16c5-p,32c5-bn-p,64c3", "128-d0.3"),
    ("8c3-bn-tanh-ap-d0.25,12c7-gelu-np", "32-sigmoid,16-d0.5"),
    ("4c1-sigmoid-p,4c3-p,4c5-p,4c3-np", ""),  # the last block shrinks its 3 x 3 image to 1 x 1
]


@pytest.mark.parametrize("blocks,fc", NETWORKS)
def test_the_grammar_round_trips(blocks, fc):
    network = parse(blocks, fc)
    assert network.links == (blocks, fc)
    assert parse(*network.links) == network


def test_the_grammar_reads_the_short_forms_and_writes_one():
    assert parse_blocks(" 16C5-P , 32c5-p-bn ") == (ConvBlock(16, 5, pool="max"), ConvBlock(32, 5, pool="max",
                                                                                           batch_norm=True))
    assert parse_hidden("128d0.3") == (Hidden(128, dropout=0.3),)
    assert format_hidden(parse_hidden("128d0.3")) == "128-d0.3"
    assert format_blocks(parse_blocks("32c5-p-bn-relu")) == "32c5-bn-p" and parse_hidden("") == ()


@pytest.mark.parametrize("text", ["16x5", "16c5-q", "c5", "16c5-d", "16c5,,32c5", "16c5-p;drop table"])
def test_a_part_the_grammar_cannot_read_is_refused_naming_it(text):
    with pytest.raises(NetworkError) as caught:
        parse_blocks(text)
    assert caught.value.problem.reason == "syntax" and caught.value.problem.layer == "block"


def test_the_default_is_the_tutorials_module_and_weights():
    """The reference is the tutorial's network written out by hand: same layers, same names, same weights."""
    def tutorial():
        model = nn.Module()
        model.conv1 = nn.Sequential(nn.Conv2d(1, 16, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2))
        model.conv2 = nn.Sequential(nn.Conv2d(16, 32, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2))
        model.out = nn.Linear(32 * 7 * 7, 10)
        return model

    assert CNNSpec().blocks == "16c5-p,32c5-p" and CNNSpec().fc == "" and CNNSpec().network == TUTORIAL
    for seed in (0, 1, 7):
        ours, reference = CNNSpec().build(seed).state_dict(), seeded(tutorial, seed).state_dict()
        assert list(ours) == list(reference)
        assert all(torch.equal(ours[name], reference[name]) for name in reference)


@pytest.mark.parametrize("blocks,fc", NETWORKS)
def test_the_shape_table_is_torchs(blocks, fc):
    network = parse(blocks, fc)
    model = CNN(network).eval()
    rows = shape_table(network)
    assert sum(row.parameters for row in rows) == count_parameters(model)
    x = torch.zeros(2, 1, 28, 28)
    for block, row in zip(model.blocks, rows[1:], strict=False):
        x = block(x)
        assert tuple(x.shape[1:]) == row.shape
    logits, features = model(torch.zeros(2, 28, 28))
    assert logits.shape == (2, 10) and features.shape == (2, math.prod(rows[-2].shape))  # the last hidden layer
    kind, index = network.features_layer()
    assert (kind, index) == (("hidden", len(network.hidden)) if fc else ("block", len(network.blocks)))


@pytest.mark.parametrize("blocks,fc,reason,layer,index", [
    ("8c5-np-p,8c7-np-p,8c3-np-p", "", "too_small_to_pool", "block", 3),  # 28 -> 12 -> 3 -> 1 before its pool
    ("8c7-np-p,8c7-np-p,8c7-np", "", "smaller_than_kernel", "block", 3),  # 2 x 2 under a 7 x 7 kernel
    ("16c5-p", "64,0", "width", "hidden", 2),
    ("16c5-p,0c3", "", "channels", "block", 2),
    ("16c4-p", "", "kernel", "block", 1),
    ("16c5-p-d1.5", "", "dropout", "block", 1),
    ("8c3,8c3,8c3,8c3,8c3", "", "blocks_count", "", 0),
    ("8c3-p,8c3-p", "8,8,8", "hidden_count", "", 0),
])
def test_an_impossible_network_is_refused_naming_its_layer(blocks, fc, reason, layer, index):
    with pytest.raises(NetworkError) as caught:
        CNNSpec(blocks=blocks, fc=fc)
    problem = caught.value.problem
    assert (problem.reason, problem.layer, problem.index) == (reason, layer, index)
    assert isinstance(caught.value, ValueError)  # what Preset.split and the weights check catch


def test_too_many_parameters_and_too_costly_a_step_are_refused_with_the_limit():
    big = check(Network(parse_blocks("16c5-p,32c5-p"), parse_hidden("1024,1024")))
    assert big.reason == "parameters" and big.values["count"] > MAX_PARAMETERS == big.values["limit"]
    slow = check(Network(parse_blocks("64c7,64c7-p")))  # 28 x 28 images through 64 x 64 7 x 7 filters
    assert slow.reason == "cost" and slow.values["ratio"] > MAX_COST == slow.values["limit"]
    assert check(Network(parse_blocks("32c3-bn-p,64c3-bn-p,128c3-bn-p"), parse_hidden("256-d0.3"))) is None


def test_dropout_draws_from_the_build_seed_alone():
    spec = CNNSpec(blocks="8c3-p-d0.5", fc="16-d0.5")
    x = torch.rand(4, 28, 28)
    first, again, other = spec.build(3), spec.build(3), spec.build(4)
    torch.manual_seed(0)  # the global generator, shared by every run on a server, plays no part
    a = first.train()(x)[0]
    torch.manual_seed(99)
    assert torch.equal(a, again.train()(x)[0]) and not torch.equal(a, other.train()(x)[0])
    assert torch.equal(first.eval()(x)[0], first(x)[0])  # no dropout when evaluating
