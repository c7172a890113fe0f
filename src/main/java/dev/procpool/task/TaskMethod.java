package dev.procpool.task;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * One {@link Task}-annotated method: its signature as clients see it, and the binding of a
 * call's JSON {@code args} (array) and {@code kwargs} (object) to its parameters, Python style.
 * The manager binds once to reject a bad call before any worker is used; the worker binds again
 * to run it.
 */
public final class TaskMethod {

    /** A parameter as {@code GET /api/tasks} lists it. */
    public record Param(String name, String type) {
    }

    /** Reference kinds a task argument may name, e.g. {@code {"$queue": "q"}}. */
    static final Set<String> REFERENCE_KINDS = Set.of("$queue", "$value", "$array", "$memory", "$lock", "$rlock",
            "$semaphore", "$event", "$condition", "$barrier", "$pipe");

    private final String name;
    private final String description;
    private final Method method;
    private final List<Param> params;
    private final List<Parameter> bound;
    private final boolean[] isContext;
    /** The object an instance method is called on: made once, on first use. */
    private volatile Object instance;

    private TaskMethod(String name, String description, Method method) {
        this.name = name;
        this.description = description;
        this.method = method;
        Parameter[] all = method.getParameters();
        this.isContext = new boolean[all.length];
        var ps = new ArrayList<Param>();
        var bs = new ArrayList<Parameter>();
        for (int i = 0; i < all.length; i++) {
            if (all[i].getType() == TaskContext.class) {
                isContext[i] = true;
            } else {
                ps.add(new Param(all[i].getName(), typeName(all[i].getParameterizedType())));
                bs.add(all[i]);
            }
        }
        this.params = List.copyOf(ps);
        this.bound = List.copyOf(bs);
    }

    /** The task method for {@code method}, which must carry {@link Task} and be public. */
    public static TaskMethod of(Method method) {
        Task task = method.getAnnotation(Task.class);
        if (task == null) {
            throw new IllegalArgumentException(method + " has no @Task");
        }
        if (!Modifier.isPublic(method.getModifiers()) || !Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
            throw new IllegalArgumentException("@Task method " + method + " must be public in a public class");
        }
        return new TaskMethod(task.value(), task.description(), method);
    }

    /** Finds the method for {@code target} among the {@link Task} methods of {@code type}. */
    public static TaskMethod find(Class<?> type, String target) {
        for (Method m : type.getMethods()) {
            Task t = m.getAnnotation(Task.class);
            if (t != null && t.value().equals(target)) {
                return of(m);
            }
        }
        throw new UnknownTargetException(target, List.of());
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public List<Param> params() {
        return params;
    }

    public String returns() {
        return typeName(method.getGenericReturnType());
    }

    /** The type of the one parameter a call binds, or null when it binds another number of them. */
    public Class<?> singleParamType() {
        return bound.size() == 1 ? bound.getFirst().getType() : null;
    }

    public String className() {
        return method.getDeclaringClass().getName();
    }

    public Method method() {
        return method;
    }

    /** Checks that a call would bind, without running anything. */
    public void validate(JsonNode args, JsonNode kwargs) {
        validate(args, kwargs, References.NONE);
    }

    /** Checks that a call would bind, its shared-object references resolved by {@code references}. */
    public void validate(JsonNode args, JsonNode kwargs, References references) {
        bind(args, kwargs, null, references);
    }

    /** As {@link #bind(JsonNode, JsonNode, TaskContext, References)} for a call without references. */
    public Object[] bind(JsonNode args, JsonNode kwargs, TaskContext context) {
        return bind(args, kwargs, context, References.NONE);
    }

    /**
     * Binds a call to the method's parameters. {@code args} may be null or a JSON array,
     * {@code kwargs} null or a JSON object.
     *
     * @throws TaskArgumentException naming the parameter that does not fit
     */
    public Object[] bind(JsonNode args, JsonNode kwargs, TaskContext context, References references) {
        if (args != null && !args.isNull() && !args.isArray()) {
            throw new TaskArgumentException("args", "args must be a JSON array");
        }
        if (kwargs != null && !kwargs.isNull() && !kwargs.isObject()) {
            throw new TaskArgumentException("kwargs", "kwargs must be a JSON object");
        }
        int positional = args == null || args.isNull() ? 0 : args.size();
        if (positional > bound.size()) {
            throw new TaskArgumentException("args", name + "() takes " + bound.size() + " positional argument"
                    + (bound.size() == 1 ? "" : "s") + " but " + positional + " were given");
        }
        JsonNode[] values = new JsonNode[bound.size()];
        for (int i = 0; i < positional; i++) {
            values[i] = args.get(i);
        }
        if (kwargs != null && kwargs.isObject()) {
            for (Map.Entry<String, JsonNode> e : kwargs.properties()) {
                int index = indexOf(e.getKey());
                if (index < 0) {
                    throw new TaskArgumentException(e.getKey(), name + "() got an unexpected keyword argument '" + e.getKey() + "'");
                }
                if (values[index] != null) {
                    throw new TaskArgumentException(e.getKey(), name + "() got multiple values for argument '" + e.getKey() + "'");
                }
                values[index] = e.getValue();
            }
        }
        Object[] result = new Object[isContext.length];
        int b = 0;
        for (int i = 0; i < isContext.length; i++) {
            if (isContext[i]) {
                result[i] = context;
                continue;
            }
            Parameter p = bound.get(b);
            JsonNode v = values[b++];
            if (v == null) {
                throw new TaskArgumentException(p.getName(), name + "() missing required argument: '" + p.getName() + "'");
            }
            result[i] = convert(p, v, references);
        }
        return result;
    }

    /**
     * Binds one element of a {@code map} ({@code star} false: the element is the only argument) or
     * a {@code starmap} ({@code star} true: the element is the list of arguments).
     */
    public Object[] bindItem(JsonNode item, boolean star, TaskContext context) {
        return bindItem(item, star, context, References.NONE);
    }

    /** As {@link #bindItem(JsonNode, boolean, TaskContext)}, shared-object references resolved by {@code references}. */
    public Object[] bindItem(JsonNode item, boolean star, TaskContext context, References references) {
        if (star) {
            if (item == null || !item.isArray()) {
                throw new TaskArgumentException("iterable", "each item of a starmap must be a list of arguments");
            }
            return bind(item, null, context, references);
        }
        if (bound.size() != 1) {
            throw new TaskArgumentException("iterable", name + "() takes " + bound.size()
                    + " arguments; map passes one: use starmap");
        }
        Object[] result = new Object[isContext.length];
        for (int i = 0; i < isContext.length; i++) {
            result[i] = isContext[i] ? context : convert(bound.getFirst(), item, references);
        }
        return result;
    }

    /**
     * Runs the method with bound arguments.
     *
     * @throws Throwable whatever the task threw, unwrapped
     */
    public Object invoke(Object[] arguments) throws Throwable {
        try {
            Object target = null;
            if (!Modifier.isStatic(method.getModifiers())) {
                target = instance;
                if (target == null) {
                    Constructor<?> c = method.getDeclaringClass().getConstructor();
                    instance = target = c.newInstance();
                }
            }
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private int indexOf(String paramName) {
        for (int i = 0; i < bound.size(); i++) {
            if (bound.get(i).getName().equals(paramName)) {
                return i;
            }
        }
        return -1;
    }

    private Object convert(Parameter p, JsonNode v, References references) {
        Class<?> type = p.getType();
        String handleKind = Handles.kindOf(type);
        if (handleKind != null) {
            return handle(p, v, handleKind, references);
        }
        rejectReferences(p.getName(), v);
        if (v.isNull()) {
            if (type.isPrimitive()) {
                throw mismatch(p, v);
            }
            return null;
        }
        if (type == int.class || type == Integer.class) {
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw mismatch(p, v);
            }
            return v.intValue();
        }
        if (type == long.class || type == Long.class) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw mismatch(p, v);
            }
            return v.longValue();
        }
        if (type == double.class || type == Double.class) {
            if (!v.isNumber()) {
                throw mismatch(p, v);
            }
            return v.doubleValue();
        }
        if (type == boolean.class || type == Boolean.class) {
            if (!v.isBoolean()) {
                throw mismatch(p, v);
            }
            return v.booleanValue();
        }
        if (type == String.class) {
            if (!v.isString()) {
                throw mismatch(p, v);
            }
            return v.stringValue();
        }
        if (type == JsonNode.class) {
            return v;
        }
        try {
            JavaType javaType = TaskJson.MAPPER.constructType(p.getParameterizedType());
            return TaskJson.MAPPER.treeToValue(v, javaType);
        } catch (JacksonException e) {
            throw new TaskArgumentException(p.getName(), "argument '" + p.getName() + "' of " + name + "() must be "
                    + typeName(p.getParameterizedType()) + ": " + e.getOriginalMessage());
        }
    }

    /** {@code {"$kind": "name"}} resolved to a handle for a handle-typed parameter. */
    private Object handle(Parameter p, JsonNode v, String kind, References references) {
        boolean pipe = kind.equals("$pipe");
        JsonNode name = v.isObject() && v.size() == (pipe ? 2 : 1) ? v.get(kind) : null;
        JsonNode end = pipe ? v.get("end") : null;
        if (name == null || !name.isString() || pipe && (end == null || !end.isIntegralNumber() || end.intValue() < 0 || end.intValue() > 1)) {
            throw new TaskArgumentException(p.getName(), "argument '" + p.getName() + "' of " + name() + "() must be a reference {\""
                    + kind + "\": name" + (pipe ? ", \"end\": 0 or 1" : "") + "}, got " + describe(v));
        }
        Object handle = references.resolve(p.getType(), kind, pipe ? name.stringValue() + "#" + end.intValue() : name.stringValue());
        if (handle == null) {
            throw new TaskArgumentException(p.getName(), "argument '" + p.getName() + "' of " + name() + "() refers to "
                    + kind.substring(1) + " \"" + name.stringValue() + "\", which does not exist");
        }
        return handle;
    }

    private void rejectReferences(String param, JsonNode v) {
        if (v.isObject()) {
            for (String key : v.propertyNames()) {
                if (REFERENCE_KINDS.contains(key)) {
                    throw new TaskArgumentException(param, "argument '" + param + "' of " + name + "() refers to "
                            + key.substring(1) + " " + v.get(key) + ", which does not exist");
                }
            }
        }
    }

    private TaskArgumentException mismatch(Parameter p, JsonNode v) {
        return new TaskArgumentException(p.getName(), "argument '" + p.getName() + "' of " + name + "() must be "
                + typeName(p.getParameterizedType()) + ", got " + describe(v));
    }

    private static String describe(JsonNode v) {
        String text = v.toString();
        String kind = switch (v.getNodeType()) {
            case NUMBER -> v.isIntegralNumber() ? "integer" : "number";
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase();
        };
        return kind + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }

    /** A JSON-flavoured name for a Java type: integer, number, string, boolean, array&lt;T&gt;, object, any. */
    static String typeName(Type type) {
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            Type[] a = pt.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && a.length == 1) {
                return "array<" + typeName(a[0]) + ">";
            }
            if (Map.class.isAssignableFrom(raw)) {
                return "object";
            }
            return typeName(raw);
        }
        if (!(type instanceof Class<?> c)) {
            return "any";
        }
        if (Handles.kindOf(c) != null) {
            return "{\"" + Handles.kindOf(c) + "\": name}";
        }
        if (c == void.class || c == Void.class) {
            return "null";
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class
                || c == short.class || c == Short.class || c == byte.class || c == Byte.class) {
            return "integer";
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return "number";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "boolean";
        }
        if (c == String.class || c == char.class || c == Character.class) {
            return "string";
        }
        if (c.isArray()) {
            return "array<" + typeName(c.getComponentType()) + ">";
        }
        if (Collection.class.isAssignableFrom(c)) {
            return "array";
        }
        if (c == Object.class || JsonNode.class.isAssignableFrom(c)) {
            return "any";
        }
        return "object";
    }
}
