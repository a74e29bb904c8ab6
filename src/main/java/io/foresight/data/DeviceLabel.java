package io.foresight.data;

import java.util.Objects;

/**
 * A label a source reveals for one of its devices; sent to {@code foresight.labels} keyed by the
 * device, for the device's whole sequence.
 */
public record DeviceLabel(String device, String label) {

  public DeviceLabel {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(label, "label");
  }
}
