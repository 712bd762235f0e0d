/**
 * Conversions between what a denoiser predicts and ε / x̂₀.
 *
 * Forward process:  x_t = √ᾱ·x₀ + √(1−ᾱ)·ε.
 * v-prediction (Salimans & Ho 2022, eq. in §4):  v = √ᾱ·ε − √(1−ᾱ)·x₀, hence
 *   x₀ = √ᾱ·x_t − √(1−ᾱ)·v,   ε = √(1−ᾱ)·x_t + √ᾱ·v,   v = (ε − √(1−ᾱ)·x_t)/√ᾱ.
 * ε-prediction:  x₀ = (x_t − √(1−ᾱ)·ε)/√ᾱ.
 *
 * `alphaBar` is a number (one ᾱ for the batch) or a tensor broadcastable to x_t (one ᾱ per item, [B, 1, …]).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Prediction } from './denoiser';

export type AlphaBar = number | tf.Tensor;

function roots(alphaBar: AlphaBar): [tf.Tensor | number, tf.Tensor | number] {
  if (typeof alphaBar === 'number') return [Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar)];
  return [tf.sqrt(alphaBar), tf.sqrt(tf.sub(1, alphaBar))];
}

/** ε from a prediction of the given kind at x_t. */
export function predictionToEps(pred: tf.Tensor, xt: tf.Tensor, alphaBar: AlphaBar, kind: Prediction): tf.Tensor {
  if (kind === 'epsilon') return pred.clone();
  return tf.tidy(() => {
    const [a, s] = roots(alphaBar);
    return tf.add(tf.mul(xt, s), tf.mul(pred, a));
  });
}

/** x̂₀ from a prediction of the given kind at x_t. */
export function predictionToX0(pred: tf.Tensor, xt: tf.Tensor, alphaBar: AlphaBar, kind: Prediction): tf.Tensor {
  return tf.tidy(() => {
    const [a, s] = roots(alphaBar);
    if (kind === 'v') return tf.sub(tf.mul(xt, a), tf.mul(pred, s));
    return tf.div(tf.sub(xt, tf.mul(pred, s)), a);
  });
}

/** The prediction of the given kind that corresponds to ε at x_t (inverse of predictionToEps). */
export function epsToPrediction(eps: tf.Tensor, xt: tf.Tensor, alphaBar: AlphaBar, kind: Prediction): tf.Tensor {
  if (kind === 'epsilon') return eps.clone();
  return tf.tidy(() => {
    const [a, s] = roots(alphaBar);
    return tf.div(tf.sub(eps, tf.mul(xt, s)), a);
  });
}

/** The regression target for training: ε itself, or v = √ᾱ·ε − √(1−ᾱ)·x₀. */
export function predictionTarget(x0: tf.Tensor, eps: tf.Tensor, alphaBar: AlphaBar, kind: Prediction): tf.Tensor {
  if (kind === 'epsilon') return eps.clone();
  return tf.tidy(() => {
    const [a, s] = roots(alphaBar);
    return tf.sub(tf.mul(eps, a), tf.mul(x0, s));
  });
}
