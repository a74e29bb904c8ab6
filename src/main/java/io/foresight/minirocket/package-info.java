/**
 * MiniRocket (Dempster, Schmidt and Webb, KDD 2021), our own Java implementation of the published
 * algorithm: a transform of fixed convolution kernels fitted without labels ({@link MiniRocket}), the
 * feature standardisation ({@link Standardizer}) and the classifiers its authors fit on its features,
 * ridge regression with the regularisation chosen by leave-one-out cross-validation
 * ({@link RidgeClassifier}) and, when labelled series are many, logistic regression
 * ({@link LogisticClassifier}). {@link FeatureClassifier} picks between them.
 *
 * <p>It is the baseline a practitioner would pick instead of pretraining, and a source of features that
 * need no training at all.
 */
package io.foresight.minirocket;
