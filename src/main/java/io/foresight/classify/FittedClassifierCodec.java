package io.foresight.classify;

import io.foresight.minirocket.MiniRocket;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FittedClassifier} as bytes (big-endian), the block a checkpoint carries after its net:
 *
 * <pre>
 *   u16 class count | per class: u16 length, UTF-8 name
 *   f64 cross-validated accuracy | u16 length, UTF-8 cross-validation | i32 labelled windows
 *   i32 labelled entities | f64 embedding share | f64 temperature
 *   i32 embedding dimensions | u8 has embedding weights | [classes x dimensions f64]
 *   u8 has MiniRocket | [i32 reference length | u8 alternates padding | i32 dilation count
 *       | dilations i32 | features per dilation i32 | i32 bias count | biases f32
 *       | classes x bias count f64 weights]
 *   classes x f64 intercepts
 * </pre>
 *
 * Reading checks every count against the bytes left before allocating, and the result against itself
 * ({@link FittedClassifier}'s constructor), so a hostile or damaged block fails with a reason.
 */
public final class FittedClassifierCodec {

  private FittedClassifierCodec() {}

  public static byte[] encode(FittedClassifier classifier) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeShort(classifier.classes().size());
      for (String name : classifier.classes()) {
        writeString(out, name);
      }
      FittedClassifier.Quality q = classifier.quality();
      out.writeDouble(q.crossValidatedAccuracy());
      writeString(out, q.crossValidation());
      out.writeInt(q.labelledWindows());
      out.writeInt(q.labelledEntities());
      out.writeDouble(q.embeddingShare());
      out.writeDouble(classifier.temperature());
      out.writeInt(classifier.embeddingDimensions());
      writeMatrix(out, classifier.embeddingWeights());
      MiniRocket rocket = classifier.rocket();
      out.writeBoolean(rocket != null);
      if (rocket != null) {
        out.writeInt(rocket.referenceLength());
        out.writeBoolean(rocket.alternatesPadding());
        int[] dilations = rocket.dilations();
        out.writeInt(dilations.length);
        for (int d : dilations) {
          out.writeInt(d);
        }
        for (int f : rocket.featuresPerDilation()) {
          out.writeInt(f);
        }
        float[] biases = rocket.biases();
        out.writeInt(biases.length);
        for (float b : biases) {
          out.writeFloat(b);
        }
        writeMatrix(out, classifier.rocketWeights());
      }
      for (double b : classifier.intercept()) {
        out.writeDouble(b);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  /**
   * @throws IllegalArgumentException saying what is wrong when the bytes are not a classifier
   */
  public static FittedClassifier decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      int classCount = in.getShort() & 0xffff;
      List<String> classes = new ArrayList<>(Math.min(classCount, in.remaining() / 2));
      for (int c = 0; c < classCount; c++) {
        classes.add(readString(in));
      }
      double accuracy = in.getDouble();
      String crossValidation = readString(in);
      int windows = in.getInt();
      int entities = in.getInt();
      double share = in.getDouble();
      double temperature = in.getDouble();
      int dimensions = in.getInt();
      double[][] embeddingWeights = readMatrix(in, classCount, dimensions);
      MiniRocket rocket = null;
      double[][] rocketWeights = null;
      if (in.get() != 0) {
        int referenceLength = in.getInt();
        boolean alternates = in.get() != 0;
        int dilationCount = count(in, in.getInt(), 8, "dilations");
        int[] dilations = new int[dilationCount];
        for (int i = 0; i < dilationCount; i++) {
          dilations[i] = in.getInt();
        }
        int[] perDilation = new int[dilationCount];
        for (int i = 0; i < dilationCount; i++) {
          perDilation[i] = in.getInt();
        }
        float[] biases = new float[count(in, in.getInt(), 4, "biases")];
        for (int i = 0; i < biases.length; i++) {
          biases[i] = in.getFloat();
        }
        rocket = MiniRocket.restore(referenceLength, alternates, dilations, perDilation, biases);
        rocketWeights = readMatrix(in, classCount, biases.length);
        if (rocketWeights == null) {
          throw new IllegalArgumentException("MiniRocket parameters without their weights");
        }
      }
      double[] intercept = new double[count(in, classCount, 8, "intercepts")];
      for (int c = 0; c < intercept.length; c++) {
        intercept[c] = in.getDouble();
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " unexpected bytes after the classifier");
      }
      return new FittedClassifier(
          classes, rocket, rocketWeights, dimensions, embeddingWeights, intercept, temperature,
          new FittedClassifier.Quality(accuracy, crossValidation, windows, entities, share));
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("the classifier block ends early");
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(b.length);
    out.write(b);
  }

  private static String readString(ByteBuffer in) {
    byte[] b = new byte[count(in, in.getShort() & 0xffff, 1, "a name")];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void writeMatrix(DataOutputStream out, double[][] m) throws IOException {
    out.writeBoolean(m != null);
    if (m != null) {
      for (double[] row : m) {
        for (double v : row) {
          out.writeDouble(v);
        }
      }
    }
  }

  private static double[][] readMatrix(ByteBuffer in, int rows, int cols) {
    if (in.get() == 0) {
      return null;
    }
    if (cols < 0 || (long) rows * cols * 8 > in.remaining()) {
      throw new IllegalArgumentException(
          "a " + rows + " x " + cols + " weight matrix does not fit in the " + in.remaining() + " bytes left");
    }
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = in.getDouble();
      }
    }
    return m;
  }

  /** A count checked against what is left, before anything is allocated for it. */
  private static int count(ByteBuffer in, int count, int bytesEach, String what) {
    if (count < 0 || (long) count * bytesEach > in.remaining()) {
      throw new IllegalArgumentException(
          what + ": " + count + " claimed but only " + in.remaining() + " bytes remain");
    }
    return count;
  }
}
