/**
 * Checks of the deployment files without Docker or kubectl: {@code docker-compose.yml}, its GPU override
 * and the Dockerfile ({@link io.foresight.deploy.ComposeFileTest}), and the kustomize base and overlay
 * under {@code k8s/} with the Strimzi topics rendered from {@code topics/}
 * ({@link io.foresight.deploy.KubernetesManifestsTest}). Manifests may only name commands, flags and
 * {@code FORESIGHT_*} variables the CLI declares.
 */
package io.foresight.deploy;
