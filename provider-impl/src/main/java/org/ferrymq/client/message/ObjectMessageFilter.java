package org.ferrymq.client.message;

import jakarta.jms.MessageFormatException;
import java.io.ObjectInputFilter;
import java.io.ObjectStreamConstants;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which classes an ObjectMessage body may bring into this JVM: the JDK's value types and
 * collections, plus what {@value #ALLOW_LIST} adds, minus what {@value #DENY_LIST} names
 * (the deny list wins over both). Deserializing a class runs its code, so anything else is
 * refused with a {@link MessageFormatException} that names the class and the setting.
 *
 * <p>Each list is a comma-separated set of exact class names ({@code com.example.Order}),
 * packages with their subpackages ({@code com.example.*}), or {@code *} for every class
 * (unsafe: it gives the senders' choice of classes to the deserializer). An array passes
 * when its element type does. A list given to {@link #of} wins over the system property
 * ({@value #ALLOW_LIST_PROPERTY}, {@value #DENY_LIST_PROPERTY}), which applies when the
 * connection sets nothing.
 *
 * <p>Immutable. Every deserialization takes a fresh {@link #reading}, which checks each class
 * of the stream, nested ones included, and limits the graph's depth, references and array
 * lengths far beyond what a real object needs.
 */
public final class ObjectMessageFilter {

    /** The connection URL parameter (also in JNDI and the resource adapter) adding allowed classes. */
    public static final String ALLOW_LIST = "objectMessageAllowList";
    /** The connection URL parameter refusing classes, allowed ones included. */
    public static final String DENY_LIST = "objectMessageDenyList";
    /** The system property giving the allow list of connections whose URL gives none. */
    public static final String ALLOW_LIST_PROPERTY = "ferrymq.objectMessage.allowList";
    /** The system property giving the deny list of connections whose URL gives none. */
    public static final String DENY_LIST_PROPERTY = "ferrymq.objectMessage.denyList";

    /** Nesting no sender reaches: ObjectOutputStream itself overflows the stack near a thousand levels. */
    private static final long MAX_DEPTH = 500;
    private static final long MAX_REFERENCES = 10_000_000;
    /**
     * An array needs at least a byte of the body per element; a collection sizes its table
     * up to a few times its entries. Longer is a forged length, allocated before it is read.
     */
    private static final long ARRAY_LENGTH_PER_BODY_BYTE = 8;
    private static final long MIN_MAX_ARRAY_LENGTH = 1024;
    /** The stream's magic number and version, before its first object. */
    private static final int STREAM_HEADER_LENGTH = 4;

    /** The JDK packages whose classes are allowed: collections, big numbers, dates and times. */
    private static final Set<String> JDK_PACKAGES = Set.of("java.util", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.math", "java.time",
            "java.time.chrono", "java.time.format", "java.time.temporal", "java.time.zone");
    /** The allowed classes outside those packages; Object for Object[], the rest values and their serialized supertypes. */
    private static final Set<String> JDK_CLASSES = Set.of("java.lang.Object", "java.lang.String",
            "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short", "java.lang.Integer",
            "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Number", "java.lang.Enum",
            "java.lang.StringBuffer", "java.lang.StringBuilder", "java.lang.String$CaseInsensitiveComparator",
            "sun.util.calendar.ZoneInfo");

    private static final String IDENTIFIER = "[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*";
    private static final Pattern CLASS_NAME = Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")*");

    private final ClassList allowed;
    private final ClassList denied;

    private ObjectMessageFilter(ClassList allowed, ClassList denied) {
        this.allowed = allowed;
        this.denied = denied;
    }

    /**
     * The lists as a connection sets them; a null list is the system property's, or empty.
     *
     * @throws IllegalArgumentException naming the setting when an entry is neither a class
     *     name, a package pattern nor {@code *}
     */
    public static ObjectMessageFilter of(String allowList, String denyList) {
        return new ObjectMessageFilter(ClassList.of(ALLOW_LIST, ALLOW_LIST_PROPERTY, allowList),
                ClassList.of(DENY_LIST, DENY_LIST_PROPERTY, denyList));
    }

    /**
     * Checks a list given as {@code setting} (null: none given).
     *
     * @throws IllegalArgumentException naming the setting and the entry that is neither a
     *     class name, a package pattern nor {@code *}
     */
    public static void checkList(String setting, String list) {
        if (list != null) {
            ClassList.of(setting, null, list);
        }
    }

    /** The lists of a message outside any connection: the system properties'. */
    public static ObjectMessageFilter jvmWide() {
        return of(null, null);
    }

    /**
     * A filter for one deserialization of {@code body}. With an {@code asked} type, a body of
     * another type is refused before any of its classes is checked against the lists, let
     * alone deserialized: when the stream holds an object, an array or an enum, the first class
     * it names is the body's own. (A string body has no class to check; getBody compares it.)
     */
    Reading reading(byte[] body, Class<?> asked) {
        boolean namesItsClassFirst = body.length > STREAM_HEADER_LENGTH
                && (body[STREAM_HEADER_LENGTH] == ObjectStreamConstants.TC_OBJECT
                        || body[STREAM_HEADER_LENGTH] == ObjectStreamConstants.TC_ARRAY
                        || body[STREAM_HEADER_LENGTH] == ObjectStreamConstants.TC_ENUM);
        return new Reading(body.length, namesItsClassFirst ? asked : null);
    }

    private static boolean isJdkValueType(Class<?> c) {
        return c.isPrimitive() || JDK_CLASSES.contains(c.getName()) || JDK_PACKAGES.contains(c.getPackageName());
    }

    /** One deserialization's filter: remembers why it refused, for the exception the application sees. */
    final class Reading implements ObjectInputFilter {

        private final int bodyLength;
        private final long maxArrayLength;
        /** The JVM's own filter (jdk.serialFilter), or null: setting ours on the stream would replace it. */
        private final ObjectInputFilter jvmFilter = ObjectInputFilter.Config.getSerialFilter();
        /** The type the body must be, until its class has been compared; then null. */
        private Class<?> asked;
        private String refusal;
        private String notAssignable;

        private Reading(int bodyLength, Class<?> asked) {
            this.bodyLength = bodyLength;
            this.maxArrayLength = Math.max(MIN_MAX_ARRAY_LENGTH, ARRAY_LENGTH_PER_BODY_BYTE * bodyLength);
            this.asked = asked;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (refusal != null || notAssignable != null) {
                return Status.REJECTED;
            }
            if (info.depth() > MAX_DEPTH) {
                return refuse("its object graph is nested deeper than " + MAX_DEPTH + " levels");
            }
            if (info.references() > MAX_REFERENCES) {
                return refuse("it holds more than " + MAX_REFERENCES + " objects");
            }
            if (info.arrayLength() > maxArrayLength) {
                return refuse("it declares an array of " + info.arrayLength() + " elements, more than a body of "
                        + bodyLength + " bytes can hold");
            }
            Class<?> c = info.serialClass();
            if (jvmFilter != null && jvmFilter.checkInput(info) == Status.REJECTED) {
                return refuse((c == null ? "its size" : "it contains a " + c.getName() + ", which")
                        + " the JVM-wide filter (jdk.serialFilter) rejects; that filter applies in addition to "
                        + ALLOW_LIST + " and " + DENY_LIST);
            }
            if (c == null) {
                return Status.ALLOWED;
            }
            if (asked != null) {
                boolean assignable = asked.isAssignableFrom(c);
                asked = null; // only the body's own class is compared: it comes first
                if (!assignable) {
                    notAssignable = c.getName();
                    return Status.REJECTED;
                }
            }
            Class<?> element = c;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            String name = element.getName();
            if (denied.contains(name)) {
                return refuse("it contains a " + c.getName() + ", which " + denied.source + " ("
                        + denied.value + ") refuses; remove it from " + denied.source
                        + " only if the class is safe to deserialize from any sender");
            }
            if (isJdkValueType(element) || allowed.contains(name)) {
                return Status.ALLOWED;
            }
            String pkg = element.getPackageName();
            return refuse("it contains a " + c.getName() + ", and only the JDK's value types and collections "
                    + "and the classes in " + ALLOW_LIST + " may be deserialized; if " + name
                    + " is safe to deserialize, add it or its package (" + (pkg.isEmpty() ? name : pkg + ".*")
                    + ") to " + ALLOW_LIST + ", a comma-separated list, as a connection URL parameter (e.g. vm://"
                    + "localhost?" + ALLOW_LIST + "=" + (pkg.isEmpty() ? name : pkg + ".*") + "), in JNDI or the "
                    + "resource adapter, or as the system property " + ALLOW_LIST_PROPERTY);
        }

        private Status refuse(String why) {
            refusal = why;
            return Status.REJECTED;
        }

        /** The class of a body this reading refused because it is not of the asked type, or null. */
        String notAssignable() {
            return notAssignable;
        }

        /** Throws the refusal, if this reading refused a class or a limit, with {@code cause} (may be null) linked. */
        void throwIfRefused(Exception cause) throws MessageFormatException {
            if (refusal != null) {
                MessageFormatException failure = new MessageFormatException(
                        "Refused to deserialize the object of this ObjectMessage: " + refusal);
                if (cause != null) {
                    failure.setLinkedException(cause);
                    failure.initCause(cause);
                }
                throw failure;
            }
        }
    }

    /** One list as set: exact class names, package prefixes (ending in '.'), or everything. */
    private static final class ClassList {

        /** The setting's name, as the user can change it: the URL parameter or the system property. */
        final String source;
        final String value;
        private final boolean all;
        private final Set<String> classes;
        private final List<String> packagePrefixes;

        private ClassList(String source, String value, boolean all, Set<String> classes, List<String> prefixes) {
            this.source = source;
            this.value = value;
            this.all = all;
            this.classes = classes;
            this.packagePrefixes = prefixes;
        }

        static ClassList of(String setting, String systemProperty, String value) {
            String source = setting;
            if (value == null) {
                value = System.getProperty(systemProperty, "");
                source = systemProperty;
            }
            boolean all = false;
            List<String> classes = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            for (String entry : value.split(",")) {
                String e = entry.trim();
                if (e.equals("*")) {
                    all = true;
                } else if (e.endsWith(".*") && CLASS_NAME.matcher(e.substring(0, e.length() - 2)).matches()) {
                    prefixes.add(e.substring(0, e.length() - 1));
                } else if (CLASS_NAME.matcher(e).matches()) {
                    classes.add(e);
                } else if (!e.isEmpty()) {
                    throw new IllegalArgumentException(source + " has the entry '" + e + "', which is neither a "
                            + "class name (com.example.Order), a package with its subpackages (com.example.*) nor "
                            + "* (every class, unsafe); separate entries by commas");
                }
            }
            return new ClassList(source, value, all, Set.copyOf(classes), List.copyOf(prefixes));
        }

        boolean contains(String className) {
            return all || classes.contains(className) || packagePrefixes.stream().anyMatch(className::startsWith);
        }
    }
}
