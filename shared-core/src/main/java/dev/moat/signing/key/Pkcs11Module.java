package dev.moat.signing.key;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * A PKCS#11 module (a {@code .so}), driven through the PKCS#11 layer of the JDK's SunPKCS11 provider
 * ({@code sun.security.pkcs11.wrapper} in module {@code jdk.crypto.cryptoki}).
 *
 * <p>Why not the provider's {@code KeyStore}: SunPKCS11 lists a private key only when the token also holds a
 * certificate with the same CKA_ID, and keys made with {@code pkcs11-tool --keypairgen} or
 * {@code cosign generate-key-pair --kms pkcs11:…} have none. Why reflection: the package is not exported, so
 * {@link ModuleExports} exports it when a token is opened ({@code java -jar moat.jar} gives it the means); a JVM
 * that runs Moat otherwise (a Jenkins controller) must be started with
 * {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}. Without either Moat says so
 * instead of failing obscurely.
 */
final class Pkcs11Module {

  static final String WRAPPER = "sun.security.pkcs11.wrapper";
  static final String ADD_EXPORTS_HINT =
      "run java with --add-exports jdk.crypto.cryptoki/" + WRAPPER + "=ALL-UNNAMED";

  static final long CKO_PUBLIC_KEY = 2;
  static final long CKO_PRIVATE_KEY = 3;
  static final long CKA_CLASS = 0;
  static final long CKA_LABEL = 3;
  static final long CKA_KEY_TYPE = 0x100;
  static final long CKA_ID = 0x102;
  static final long CKA_EC_PARAMS = 0x180;
  static final long CKA_EC_POINT = 0x181;
  static final long CKK_EC = 3;
  static final long CKM_ECDSA = 0x1041;
  static final long CKU_USER = 1;
  static final long CKF_SERIAL_SESSION = 4;
  static final long CKR_PIN_INCORRECT = 0xA0;
  static final long CKR_PIN_INVALID = 0xA1;
  static final long CKR_PIN_LEN_RANGE = 0xA2;
  static final long CKR_PIN_EXPIRED = 0xA3;
  static final long CKR_PIN_LOCKED = 0xA4;
  static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;

  /** A PKCS#11 function returned an error: its CKR_ code. */
  static final class CallFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final long code;

    CallFailed(long code, String message) {
      super(message);
      this.code = code;
    }
  }

  private final Object pkcs11;
  /** The public PKCS11 class: getInstance may return a non-public subclass, whose methods reflection may not call. */
  private final Class<?> pkcs11Class;
  private final Class<?> attributeClass;
  private final Class<?> mechanismClass;

  private Pkcs11Module(Object pkcs11, Class<?> pkcs11Class, Class<?> attributeClass, Class<?> mechanismClass) {
    this.pkcs11 = pkcs11;
    this.pkcs11Class = pkcs11Class;
    this.attributeClass = attributeClass;
    this.mechanismClass = mechanismClass;
  }

  static Pkcs11Module load(String modulePath) throws MoatException {
    Class<?> wrapper;
    try {
      wrapper = Class.forName(WRAPPER + ".PKCS11");
    } catch (ClassNotFoundException e) {
      throw new MoatException(
          Failure.KEY, "this Java runtime has no PKCS#11 support (module jdk.crypto.cryptoki)", "use a full JDK or JRE 17+");
    }
    if (!ModuleExports.exportTo(wrapper.getModule(), WRAPPER, Pkcs11Module.class)) {
      throw new MoatException(
          Failure.KEY, "this Java runtime does not let Moat use PKCS#11 modules", ADD_EXPORTS_HINT);
    }
    try {
      Class<?> initArgs = Class.forName(WRAPPER + ".CK_C_INITIALIZE_ARGS");
      Method getInstance =
          wrapper.getMethod("getInstance", String.class, String.class, initArgs, boolean.class);
      Object pkcs11 = invoke(getInstance, null, modulePath, "C_GetFunctionList", null, false);
      return new Pkcs11Module(
          pkcs11, wrapper, Class.forName(WRAPPER + ".CK_ATTRIBUTE"), Class.forName(WRAPPER + ".CK_MECHANISM"));
    } catch (CallFailed e) {
      throw new MoatException(
          Failure.KEY, "PKCS#11 module " + modulePath + " failed to initialise: " + e.getMessage(), "");
    } catch (ReflectiveOperationException e) {
      throw new MoatException(Failure.KEY, "cannot load PKCS#11 module " + modulePath + ": " + e, "", e);
    }
  }

  long[] slotsWithTokens() throws CallFailed {
    return (long[]) call("C_GetSlotList", new Class<?>[] {boolean.class}, true);
  }

  String tokenLabel(long slot) throws CallFailed {
    Object info = call("C_GetTokenInfo", new Class<?>[] {long.class}, slot);
    try {
      char[] label = (char[]) info.getClass().getField("label").get(info);
      return new String(label).trim();
    } catch (ReflectiveOperationException e) {
      throw new CallFailed(-1, e.toString());
    }
  }

  long openSession(long slot) throws CallFailed {
    Class<?> notify = type("CK_NOTIFY");
    return (Long) call(
        "C_OpenSession",
        new Class<?>[] {long.class, long.class, Object.class, notify},
        slot,
        CKF_SERIAL_SESSION,
        null,
        null);
  }

  void login(long session, char[] pin) throws CallFailed {
    try {
      call("C_Login", new Class<?>[] {long.class, long.class, char[].class}, session, CKU_USER, pin);
    } catch (CallFailed e) {
      if (e.code != CKR_USER_ALREADY_LOGGED_IN) {
        throw e;
      }
    }
  }

  /** Handles of the objects matching every attribute in template (values: Long or byte[]). */
  long[] find(long session, Map<Long, Object> template) throws CallFailed {
    Object attributes = java.lang.reflect.Array.newInstance(attributeClass, template.size());
    int i = 0;
    for (Map.Entry<Long, Object> entry : template.entrySet()) {
      java.lang.reflect.Array.set(attributes, i++, attribute(entry.getKey(), entry.getValue()));
    }
    call("C_FindObjectsInit", new Class<?>[] {long.class, attributes.getClass()}, session, attributes);
    try {
      return (long[]) call("C_FindObjects", new Class<?>[] {long.class, long.class}, session, 16L);
    } finally {
      call("C_FindObjectsFinal", new Class<?>[] {long.class}, session);
    }
  }

  byte[] bytes(long session, long object, long type) throws CallFailed {
    Object value = value(session, object, type);
    return value instanceof byte[] bytes ? bytes : new byte[0];
  }

  long number(long session, long object, long type) throws CallFailed {
    Object value = value(session, object, type);
    if (value instanceof Long number) {
      return number;
    }
    throw new CallFailed(-1, "attribute " + type + " is " + (value == null ? "absent" : value.getClass().getName()));
  }

  /** A raw ECDSA signature (r || s) of digest. */
  byte[] signEcdsa(long session, long key, byte[] digest) throws CallFailed {
    Object mechanism;
    try {
      mechanism = mechanismClass.getConstructor(long.class).newInstance(CKM_ECDSA);
    } catch (ReflectiveOperationException e) {
      throw new CallFailed(-1, e.toString());
    }
    call("C_SignInit", new Class<?>[] {long.class, mechanismClass, long.class}, session, mechanism, key);
    return (byte[]) call("C_Sign", new Class<?>[] {long.class, byte[].class}, session, digest);
  }

  private Object value(long session, long object, long type) throws CallFailed {
    Object attribute = attribute(type, null);
    Object attributes = java.lang.reflect.Array.newInstance(attributeClass, 1);
    java.lang.reflect.Array.set(attributes, 0, attribute);
    call("C_GetAttributeValue", new Class<?>[] {long.class, long.class, attributes.getClass()}, session, object, attributes);
    try {
      // the native call puts new CK_ATTRIBUTE objects into the array
      return attributeClass.getField("pValue").get(java.lang.reflect.Array.get(attributes, 0));
    } catch (ReflectiveOperationException e) {
      throw new CallFailed(-1, e.toString());
    }
  }

  private Object attribute(long type, Object value) throws CallFailed {
    try {
      if (value == null) {
        return attributeClass.getConstructor(long.class).newInstance(type);
      }
      if (value instanceof Long number) {
        return attributeClass.getConstructor(long.class, long.class).newInstance(type, number);
      }
      Constructor<?> generic = attributeClass.getConstructor(long.class, Object.class);
      return generic.newInstance(type, value);
    } catch (ReflectiveOperationException e) {
      throw new CallFailed(-1, e.toString());
    }
  }

  private Class<?> type(String name) throws CallFailed {
    try {
      return Class.forName(WRAPPER + "." + name);
    } catch (ClassNotFoundException e) {
      throw new CallFailed(-1, e.toString());
    }
  }

  private Object call(String name, Class<?>[] parameters, Object... arguments) throws CallFailed {
    try {
      return invoke(pkcs11Class.getMethod(name, parameters), pkcs11, arguments);
    } catch (NoSuchMethodException e) {
      throw new CallFailed(-1, "this Java runtime's PKCS#11 layer has no " + name);
    }
  }

  private static Object invoke(Method method, Object target, Object... arguments) throws CallFailed {
    try {
      return method.invoke(target, arguments);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      long code = -1;
      try {
        code = (Long) cause.getClass().getMethod("getErrorCode").invoke(cause);
      } catch (ReflectiveOperationException | RuntimeException notPkcs11) {
        // an IOException from loading the library, say
      }
      throw new CallFailed(code, String.valueOf(cause.getMessage()));
    } catch (IllegalAccessException e) {
      throw new CallFailed(-1, "not allowed: " + ADD_EXPORTS_HINT);
    }
  }
}
