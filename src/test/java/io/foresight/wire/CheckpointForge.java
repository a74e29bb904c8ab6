package io.foresight.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foresight.classify.FittedClassifier;
import io.foresight.minirocket.MiniRocket;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A checkpoint taken apart into the fields of its container, to be changed at will and put back
 * together with a digest that matches: what a buggy or hostile writer could publish, which the digest
 * alone does not catch.
 */
public final class CheckpointForge {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The header JSON, free to edit. */
  public ObjectNode header;
  /** Header bytes written instead of {@link #header} when set: JSON or not. */
  public byte[] rawHeader;
  /** The sections in order; a name may repeat. */
  public final List<Map.Entry<String, byte[]>> sections = new ArrayList<>();
  /** The fitted classifier's bytes; empty for none. */
  public byte[] classifier;

  private CheckpointForge() {}

  /** The fields of a checkpoint as {@link CheckpointCodec#encode} writes them. */
  public static CheckpointForge of(Checkpoint checkpoint) {
    byte[] bytes = CheckpointCodec.encode(checkpoint);
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - 32);
    in.position(6);
    CheckpointForge forge = new CheckpointForge();
    try {
      forge.header = (ObjectNode) JSON.readTree(take(in, in.getInt()));
    } catch (IOException e) {
      throw new IllegalStateException("the codec writes JSON", e);
    }
    int count = in.getShort() & 0xffff;
    for (int i = 0; i < count; i++) {
      String name = new String(take(in, in.getShort() & 0xffff), StandardCharsets.UTF_8);
      forge.sections.add(new AbstractMap.SimpleEntry<>(name, take(in, in.getInt())));
    }
    forge.classifier = take(in, in.getInt());
    return forge;
  }

  /** The section named {@code name} (the first of that name). */
  public byte[] section(String name) {
    return sections.stream().filter(s -> s.getKey().equals(name)).findFirst().orElseThrow().getValue();
  }

  /** Replaces the bytes of the section named {@code name}. */
  public CheckpointForge section(String name, byte[] bytes) {
    sections.stream().filter(s -> s.getKey().equals(name)).findFirst().orElseThrow().setValue(bytes);
    return this;
  }

  /** The container around the current fields, with a valid SHA-256. */
  public byte[] bytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write("FSCK".getBytes(StandardCharsets.US_ASCII));
      out.writeShort(CheckpointCodec.FORMAT_VERSION);
      byte[] json = rawHeader != null ? rawHeader : JSON.writeValueAsBytes(header);
      out.writeInt(json.length);
      out.write(json);
      out.writeShort(sections.size());
      for (Map.Entry<String, byte[]> section : sections) {
        byte[] name = section.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length);
        out.write(name);
        out.writeInt(section.getValue().length);
        out.write(section.getValue());
      }
      out.writeInt(classifier.length);
      out.write(classifier);
      out.flush();
      return withValidDigest(Arrays.copyOf(bytes.toByteArray(), bytes.size() + 32));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  /** {@code encoded} with its last 32 bytes replaced by the SHA-256 of the rest. */
  public static byte[] withValidDigest(byte[] encoded) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(encoded, 0, encoded.length - 32);
      byte[] out = encoded.clone();
      System.arraycopy(sha.digest(), 0, out, out.length - 32, 32);
      return out;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A classifier fitted on random embeddings of {@code dimensions} and windows of two shapes. */
  public static FittedClassifier classifier(int dimensions) {
    Random random = new Random(1);
    List<double[]> values = new ArrayList<>();
    float[][] embeddings = new float[8][dimensions];
    List<String> labels = new ArrayList<>();
    List<String> entities = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double[] v = new double[40];
      for (int t = 0; t < v.length; t++) {
        v[t] = (i % 2 == 0 ? Math.sin(t) : 0) + random.nextGaussian() * 0.1;
      }
      values.add(v);
      for (int j = 0; j < embeddings[i].length; j++) {
        embeddings[i][j] = (float) random.nextGaussian();
      }
      labels.add(i % 2 == 0 ? "wave" : "flat");
      entities.add("e" + i);
    }
    MiniRocket rocket = MiniRocket.fit(values, 0);
    return FittedClassifier.fit(rocket, rocket.transform(values), embeddings, labels, entities);
  }

  private static byte[] take(ByteBuffer in, int length) {
    byte[] out = new byte[length];
    in.get(out);
    return out;
  }
}
