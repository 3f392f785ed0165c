"""The face generator: our DCGAN module reads the package's weights, draws distinct faces from
latents, deterministically, and the landmarks the families use are where the faces have them."""

import numpy as np
import pytest
import torch

from grnet.data import dcgan


def test_the_packaged_weights_load_into_our_module_and_draw_faces():
    z = dcgan.latents(np.random.default_rng(0), 6)
    faces = dcgan.draw_faces(z)
    assert faces.shape == (6, 64, 64, 3) and faces.dtype == np.uint8
    assert len({f.tobytes() for f in faces}) == 6  # one identity per latent
    assert np.array_equal(dcgan.draw_faces(z[2:4]), faces[2:4])  # a face does not depend on its batch
    assert 40 < faces.mean() < 200 and faces.std() > 20  # images, not a constant or noise at the extremes


def test_the_generator_is_the_dcgan_of_the_tutorial():
    net = dcgan.load_generator()
    convs = [m for m in net.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    assert [c.out_channels for c in convs] == [512, 256, 128, 64, 3]
    assert next(net.parameters()).dtype == torch.float64 and not net.training


@pytest.mark.slow
def test_landmarks_are_those_measured_on_the_mean_face():
    measured = dcgan.measure_landmarks(dcgan.mean_face_sample())
    assert dcgan.rounded(measured) == dcgan.LANDMARKS


def test_measure_landmarks_finds_a_drawn_face():
    """On a synthetic "face" with dark eyes and mouth where we put them, the measurement finds them."""
    face = np.full((64, 64, 3), 180, np.uint8)
    face[24:28, 20:24] = face[24:28, 40:44] = 30  # eyes on row 26, columns 22 and 42
    face[50:53, 26:38] = 40  # mouth on rows 50-52, columns 26-37
    found = dcgan.measure_landmarks(face[None])
    (ey, ex0), (_, ex1) = found.eyes
    assert round(ey * 64) in (24, 25, 26, 27) and round(ex0 * 64 - 0.5) in range(20, 24)
    assert round(ex1 * 64 - 0.5) in range(40, 44)
    assert 50 <= found.mouth.center[0] * 64 <= 53 and abs(found.mouth.center[1] * 64 - 32) <= 1
    assert found.face.center[0] * 64 < found.mouth.center[0] * 64


def test_with_its_own_last_block_the_generator_draws_the_same_faces_byte_for_byte():
    """The PGGAN, StyleGAN and StarGAN stand-ins swap the last block (grnet.data.generators.LastBlock): with
    the DCGAN's own block back in place, the redrawn face is the real face, so that block is all
    that differs; another block draws another image of the same face."""
    from grnet.data.generators import LAST_BLOCKS, LastBlock

    z = dcgan.latents(np.random.default_rng(1), 3)
    own = dcgan.load_generator().main[dcgan.LAST_BLOCK :]
    assert np.array_equal(dcgan.draw_with(z, own), dcgan.draw_faces(z))
    assert dcgan.draw_features(z).shape == (3, 64, 32, 32)
    torch.manual_seed(0)
    for kind in LAST_BLOCKS:
        other = dcgan.draw_with(z, LastBlock(kind).double().eval())
        assert other.shape == (3, 64, 64, 3) and not np.array_equal(other, dcgan.draw_faces(z)), kind


def test_attribute_edits_move_their_attribute_and_nothing_at_step_zero():
    """The StarGAN stand-in moves a latent along an attribute's direction: with no step and the
    DCGAN's own last block it redraws the source face byte for byte; a step towards more of the
    attribute raises that attribute (lighter hair, paler skin) on average, a step away lowers it."""
    from grnet.data.forgeries import edit_attributes

    drawn = dcgan.latents(np.random.default_rng(2), 60)
    directions = dcgan.attribute_directions(drawn)
    assert directions.shape == (len(dcgan.ATTRIBUTES), dcgan.LATENT)
    # the faces a caller drew already give the same directions; faces of other latents do not
    assert np.array_equal(dcgan.attribute_directions(drawn, dcgan.draw_faces(drawn)), directions)
    others = dcgan.draw_faces(drawn[::-1].copy())
    assert not np.array_equal(dcgan.attribute_directions(drawn, others), directions)
    with pytest.raises(ValueError, match="for 60 latents"):
        dcgan.attribute_directions(drawn, dcgan.draw_faces(drawn[:59]))
    assert np.allclose(np.linalg.norm(directions, axis=1), 1)
    z = dcgan.latents(np.random.default_rng(3), 20)
    own = dcgan.load_generator().main[dcgan.LAST_BLOCK :]
    domains = np.arange(20) % (2 * len(directions))
    assert np.array_equal(
        dcgan.draw_with(edit_attributes(z, directions, domains, 0.0), own), dcgan.draw_faces(z)
    )
    source = dcgan.attributes(dcgan.draw_faces(z))
    for a in range(len(directions)):
        more = dcgan.attributes(dcgan.draw_with(edit_attributes(z, directions, np.full(20, 2 * a)), own))
        less = dcgan.attributes(dcgan.draw_with(edit_attributes(z, directions, np.full(20, 2 * a + 1)), own))
        assert less[:, a].mean() < source[:, a].mean() < more[:, a].mean(), dcgan.ATTRIBUTES[a]
