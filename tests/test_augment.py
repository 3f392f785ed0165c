"""The training augmentations' parameters (drawn from seed, epoch, item) and their two paths."""

from __future__ import annotations

import pytest
import torch
from torch.utils.data import default_collate
from torchvision.transforms import v2

from grnet.data.augment import WarpParams, draw, item_seed, startpoints, warp_batch, warp_cpu
from grnet.settings import TrainConfig

SIZE = 48


def smooth_image(size: int = SIZE) -> torch.Tensor:
    """uint8 (3, size, size): slow waves and a ramp, at most ~0.08 of the range from a pixel to the
    next, so that interpolations that read the image at points up to a pixel apart differ by that
    much at most."""
    y, x = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    channels = [127 + 100 * torch.sin(x / 5.0), 127 + 100 * torch.cos(y / 6.0), 40 + 2 * x + y]
    return torch.stack(channels).round().clamp(0, 255).to(torch.uint8)


def identity(size: int = SIZE) -> WarpParams:
    return WarpParams(torch.tensor(False), torch.tensor(0.0), torch.tensor(startpoints(size, size)).float())


def test_parameters_are_a_pure_function_of_seed_epoch_item_and_leave_the_global_rng_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    first = draw(7, 2, 11, SIZE, SIZE)
    assert torch.equal(torch.rand(3), expected)
    again = draw(7, 2, 11, SIZE, SIZE)
    assert all(torch.equal(a, b) for a, b in zip(first, again, strict=True))
    others = [draw(7, 3, 11, SIZE, SIZE), draw(8, 2, 11, SIZE, SIZE), draw(7, 2, 12, SIZE, SIZE)]
    assert all(float(p.angle) != float(first.angle) for p in others)


def test_parameters_follow_the_paper_distribution():
    params = [draw(0, 0, i, SIZE, SIZE) for i in range(2000)]
    flips = sum(bool(p.flip) for p in params) / len(params)
    angles = torch.stack([p.angle for p in params])
    start = torch.tensor(startpoints(SIZE, SIZE)).float()
    moved = [p.endpoints for p in params if not torch.equal(p.endpoints, start)]
    assert 0.45 < flips < 0.55 and 0.45 < len(moved) / len(params) < 0.55
    assert -10 <= angles.min() < -9.9 and 9.9 < angles.max() <= 10 and abs(float(angles.mean())) < 0.5
    # each corner within int(0.5 * 24) + 1 = 13 px of its own, inside the image, integer pixels
    shift = (torch.stack(moved) - start).abs()
    assert shift.max() == 12 and torch.equal(shift, shift.round())


def test_cpu_path_gives_torchvisions_random_transforms_pixels_bit_for_bit():
    """The transforms the loader used before the parameters were drawn explicitly, seeded alike."""
    image = smooth_image()
    random_transforms = v2.Compose(
        [
            v2.ToPILImage(),
            v2.RandomHorizontalFlip(),
            v2.RandomRotation(10),
            v2.RandomPerspective(),
            v2.PILToTensor(),
        ]
    )
    for item in range(30):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(item_seed(7, 1, item))
            expected = random_transforms(image)
        assert torch.equal(warp_cpu(image, draw(7, 1, item, SIZE, SIZE)), expected), item


def test_identity_parameters_give_the_image_back_on_both_paths():
    image = smooth_image()
    assert torch.equal(warp_cpu(image, identity()), image)
    batch = default_collate([identity(), identity()])
    out = warp_batch(torch.stack([image, image]), batch)
    assert out.dtype == torch.float32 and torch.allclose(
        out, image.float().expand(2, -1, -1, -1) / 255, atol=1e-6
    )
    assert torch.equal(warp_batch(image[None].float() / 255, default_collate([identity()])), out[:1])


def test_each_operation_alone_is_torchvisions_on_tensors():
    """The one homography's geometry: each of flip, rotation, perspective alone is torchvision's
    bilinear functional op on the float image (to float rounding)."""
    image = smooth_image()
    x = image.float() / 255
    start = torch.tensor(startpoints(SIZE, SIZE)).float()
    corners = [[7, 5], [40, 4], [39, 44], [3, 41]]
    cases = [
        (WarpParams(torch.tensor(True), torch.tensor(0.0), start), v2.functional.horizontal_flip(x)),
        (
            WarpParams(torch.tensor(False), torch.tensor(7.3), start),
            v2.functional.rotate(x, 7.3, v2.InterpolationMode.BILINEAR),
        ),
        (
            WarpParams(torch.tensor(False), torch.tensor(0.0), torch.tensor(corners).float()),
            v2.functional.perspective(x, startpoints(SIZE, SIZE), corners, v2.InterpolationMode.BILINEAR),
        ),
    ]
    for params, expected in cases:
        assert torch.allclose(warp_batch(image[None], default_collate([params]))[0], expected, atol=1e-5)


def test_device_path_is_the_cpu_path_within_interpolation_tolerance():
    """Same parameters, same image, up to interpolation: the CPU rotates with the nearest pixel then
    applies the perspective bilinearly (two resamplings, uint8 in between), the device samples
    once, bilinearly. Away from the borders the two read the image at points at most about a pixel
    apart, so they differ by at most the image's largest change from a pixel to its neighbour
    (0.08 here) plus uint8 rounding. At the borders, where the fill (0) meets the image, they may
    differ by up to the full range, in a band narrower than a pixel: on a white image, the pixels
    where the two paths differ by more than half the range are fewer than a quarter of a one-pixel
    band around the frame (1 / SIZE of the image; measured: 0.015 at most here, against 0.037
    where the device would not crop the rotated frame as the CPU does)."""
    image, white = smooth_image(), torch.full((3, SIZE, SIZE), 255, dtype=torch.uint8)
    steepest = max(float(image.float().diff(dim=d).abs().max()) for d in (1, 2)) / 255
    params = [draw(3, 0, i, SIZE, SIZE) for i in range(32)]
    batch = default_collate(params)
    device = warp_batch(image.expand(32, -1, -1, -1), batch)
    device_white = warp_batch(white.expand(32, -1, -1, -1), batch)
    for i, p in enumerate(params):
        cpu, cpu_white = warp_cpu(image, p).float() / 255, warp_cpu(white, p).float() / 255
        inner = (cpu_white == 1).all(0) & (device_white[i] > 1 - 1e-5).all(0)
        assert inner.float().mean() > 0.25  # the comparison below is not vacuous
        assert (cpu - device[i]).abs()[:, inner].max() <= steepest + 1 / 255, i
        assert ((cpu_white - device_white[i]).abs() > 0.5).float().mean() < 1 / SIZE, i


def test_batch_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match=r"expected \(B, 3, H, W\) images and B parameters"):
        warp_batch(smooth_image(), default_collate([identity()]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_device_path_on_cuda_is_the_cpu_tensors_result():
    image = smooth_image().expand(8, -1, -1, -1)
    batch = default_collate([draw(1, 0, i, SIZE, SIZE) for i in range(8)])
    on_cuda = warp_batch(image.cuda(), batch).cpu()
    assert torch.allclose(on_cuda, warp_batch(image, batch), atol=1e-4)


def test_device_augmentation_is_a_setting_refused_beside_the_workers_residual():
    assert TrainConfig(data="x").augment_on == "cpu"
    with pytest.raises(ValueError, match="residual_in_workers needs augment_on='cpu'"):
        TrainConfig(data="x", residual_in_workers=True, augment_on="device")
    assert (
        TrainConfig(data="x", residual_in_workers=True, augment_on="device", augment=False).augment_on
        == "device"
    )
    with pytest.raises(ValueError, match="augment_on must be one of"):
        TrainConfig(data="x", augment_on="gpu")
