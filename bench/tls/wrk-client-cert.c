/*
 * LD_PRELOAD shim for wrk, which has no option for a TLS client certificate: every SSL_CTX wrk creates
 * presents the certificate and key named by WRK_CLIENT_CERT and WRK_CLIENT_KEY (PEM). The "direct"
 * target of bench/run.sh uses it to reach a shard node's internal plane as a cluster member, the same
 * protection the gateway, nginx and HAProxy use. Built by bench/run.sh with gcc; no OpenSSL headers or
 * libraries are needed at build time, the symbols resolve against wrk's own libssl at run time.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;
int SSL_CTX_use_certificate_chain_file(SSL_CTX *ctx, const char *file);
int SSL_CTX_use_PrivateKey_file(SSL_CTX *ctx, const char *file, int type);
#define PEM_FILE 1

SSL_CTX *SSL_CTX_new(const SSL_METHOD *method) {
  static SSL_CTX *(*real_new)(const SSL_METHOD *);
  if (real_new == NULL) {
    real_new = (SSL_CTX * (*)(const SSL_METHOD *)) dlsym(RTLD_NEXT, "SSL_CTX_new");
  }
  SSL_CTX *ctx = real_new(method);
  const char *cert = getenv("WRK_CLIENT_CERT");
  const char *key = getenv("WRK_CLIENT_KEY");
  if (ctx != NULL && cert != NULL && key != NULL) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, PEM_FILE) != 1) {
      fprintf(stderr, "wrk-client-cert: cannot load %s and %s\n", cert, key);
      exit(1);
    }
  }
  return ctx;
}
