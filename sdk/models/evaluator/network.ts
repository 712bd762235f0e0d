/**
 * The evaluator's forward pass (raw tf ops, NHWC):
 *   a₁ = ReLU(conv₁(x)),  a₂ = ReLU(conv₂(pool(a₁))),  a₃ = ReLU(conv₃(pool(a₂))),
 *   h = ReLU(W₁ flatten(a₃) + b₁)  (the penultimate features),  logits = W₂ dropout(h) + b₂.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EvaluatorConfig } from './config';
import { EvaluatorParams } from './params';

export interface EvaluatorActivations {
  logits: tf.Tensor2D;
  /** h, the penultimate features [n, hidden]. */
  penultimate: tf.Tensor2D;
  /** [a₁, a₂, a₃, h]: the feature maps of EVALUATOR_LAYERS. */
  layers: tf.Tensor[];
}

function conv(p: EvaluatorParams, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const w = p[`${name}.w`] as unknown as tf.Tensor4D;
  return tf.relu(tf.add(tf.conv2d(x, w, 1, 'same'), p[`${name}.b`])) as tf.Tensor4D;
}

function pool(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 2, 2, 'valid');
}

function dense(p: EvaluatorParams, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, p[`${name}.w`] as unknown as tf.Tensor2D), p[`${name}.b`]);
}

/**
 * Runs the network on x [n, 28, 28, 1]. With `training`, dropout (seeded) is applied to h before fc2.
 * Call inside tf.tidy (or dispose the returned tensors); intermediates are not freed here.
 */
export function evaluatorForward(
  p: EvaluatorParams,
  c: EvaluatorConfig,
  x: tf.Tensor4D,
  training?: { seed: number },
): EvaluatorActivations {
  const a1 = conv(p, 'conv1', x);
  const a2 = conv(p, 'conv2', pool(a1));
  const a3 = conv(p, 'conv3', pool(a2));
  const flat = tf.reshape(a3, [x.shape[0], -1]) as tf.Tensor2D;
  const h = tf.relu(dense(p, 'fc1', flat));
  const hd = training && c.dropout > 0 ? (tf.dropout(h, c.dropout, undefined, training.seed) as tf.Tensor2D) : h;
  return { logits: dense(p, 'fc2', hd), penultimate: h, layers: [a1, a2, a3, h] };
}

/** Mean softmax cross-entropy: −(1/n) Σᵢ log softmax(logitsᵢ)[yᵢ]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const onehot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes);
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}
