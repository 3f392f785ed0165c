"""Solution to notebook 15's exercise: JPEG compression through OpenCV."""

import cv2


def jpeg(image, quality):
    """HxWx3 uint8 RGB image compressed at JPEG ``quality`` and decoded (OpenCV encodes BGR)."""
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValueError("JPEG encoding failed")
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
