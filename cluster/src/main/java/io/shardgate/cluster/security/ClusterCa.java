package io.shardgate.cluster.security;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's certificate authority: the one key that vouches for membership. Every process of the
 * cluster holds a certificate this CA issued (EC P-256, usable as TLS server and client), and the
 * internal plane accepts exactly the callers that prove they hold one. {@code scripts/cluster.sh} and
 * {@code shardgate certs} write it to files; dev mode keeps a throwaway one in memory.
 */
public final class ClusterCa {
  /** Certificates are back-dated this much so that a peer whose clock is a little behind accepts them. */
  private static final Duration CLOCK_SKEW = Duration.ofHours(1);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private ClusterCa(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA for the named cluster, valid from now (less the skew allowance) for {@code validity}. */
  public static ClusterCa generate(String clusterName, Duration validity) {
    KeyPair keys = newKeys();
    X500Name name = name(clusterName + " cluster CA", clusterName);
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(CLOCK_SKEW)),
          Date.from(now.plus(validity)), name, keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new ClusterCa(sign(b, keys.getPrivate()), keys.getPrivate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot create the cluster CA: " + e.getMessage(), e);
    }
  }

  /** The CA written earlier by {@link #certificatePem()} and {@link #keyPem()}. */
  public static ClusterCa read(String certificatePem, String keyPem) {
    return new ClusterCa(Pem.certificates(certificatePem, "the CA certificate").get(0), Pem.privateKey(keyPem, "the CA key"));
  }

  /**
   * Issues the credentials of one member: a certificate naming {@code memberId} (its common name, which
   * logs and metrics show) and, as subject alternative names, the hosts it is reached at.
   */
  public MemberCredentials issue(String memberId, List<String> hosts, Duration validity) {
    KeyPair keys = newKeys();
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), name(memberId, clusterName()), keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      List<GeneralName> names = new ArrayList<>();
      for (String host : hosts) {
        names.add(new GeneralName(isIpLiteral(host) ? GeneralName.iPAddress : GeneralName.dNSName, host));
      }
      if (!names.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      X509Certificate issued = sign(b, key);
      return new MemberCredentials(certificatePem(), Pem.write(issued), Pem.write(new JcaPKCS8Generator(keys.getPrivate(), null)));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + memberId + ": " + e.getMessage(), e);
    }
  }

  public String certificatePem() {
    return Pem.write(certificate);
  }

  public String keyPem() {
    try {
      return Pem.write(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private String clusterName() {
    return new X500Name(certificate.getSubjectX500Principal().getName()).getRDNs(BCStyle.O)[0].getFirst().getValue()
        .toString();
  }

  private static X500Name name(String commonName, String cluster) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, cluster).addRDN(BCStyle.OU, "shardgate")
        .addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(signingKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate EC P-256 keys", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM);
  }

  static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  /** PEM reading and writing (certificates, PKCS#8 keys), with errors that say which file was wrong. */
  static final class Pem {
    private Pem() {}

    static String write(Object object) {
      StringWriter out = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(object);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return out.toString();
    }

    static List<X509Certificate> certificates(String pem, String what) {
      List<X509Certificate> all = new ArrayList<>();
      try {
        var factory = java.security.cert.CertificateFactory.getInstance("X.509");
        for (var c : factory.generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))) {
          all.add((X509Certificate) c);
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException(what + " is not a PEM certificate: " + e.getMessage());
      }
      if (all.isEmpty()) {
        throw new IllegalArgumentException(what + " holds no PEM certificate");
      }
      return all;
    }

    static PrivateKey privateKey(String pem, String what) {
      try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
        Object o = parser.readObject();
        var converter = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
        if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof org.bouncycastle.openssl.PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        throw new IllegalArgumentException(what + " is not an unencrypted PEM private key"
            + (o == null ? " (no PEM block found)" : " (found " + o.getClass().getSimpleName() + ")"));
      } catch (IOException e) {
        throw new IllegalArgumentException(what + " is not a PEM private key: " + e.getMessage());
      }
    }
  }
}
