package dev.imagesearch.onnx;

import dev.imagesearch.embed.EmbeddingException;
import dev.imagesearch.hash.Sha256;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Models shipped as classpath resources by the model artifacts ({@code dev.imagesearch:imagesearch-model-NAME}):
 * each jar lists its models in {@value #INDEX} and holds {@code META-INF/imagesearch/models/NAME/} with
 * {@code model.properties}, the model file, the labels and the whitening file (if any). ONNX Runtime loads models from files, so a model is
 * copied once into {@code extractTo/NAME-SHA/} (checked against its {@code sha256} while copying; later loads reuse
 * the copy after checking it again, and copy it anew if it was damaged). A jar built without its model lists it in {@value #MISSING} with the reason.
 */
final class ClasspathModels {

    static final String ROOT = "META-INF/imagesearch/";
    static final String INDEX = ROOT + "models.list";
    static final String MISSING = ROOT + "models.missing";

    /** Where each model's resources are: the model's folder URL, by name; the first jar on the classpath wins. */
    private final Map<String, URL> found = new LinkedHashMap<>();
    /** Why a listed model artifact holds no model, by name. */
    private final Map<String, String> missing = new LinkedHashMap<>();
    private final Path extractTo;

    private ClasspathModels(Path extractTo) {
        this.extractTo = extractTo;
    }

    /** Reads every model index visible to {@code loader}. */
    static ClasspathModels scan(ClassLoader loader, Path extractTo) {
        ClasspathModels m = new ClasspathModels(extractTo);
        try {
            for (URL index : Collections.list(loader.getResources(INDEX))) {
                for (String name : lines(index)) {
                    m.found.putIfAbsent(name, new URL(index, "models/" + name + "/"));
                }
            }
            for (URL note : Collections.list(loader.getResources(MISSING))) {
                for (String line : lines(note)) {
                    int tab = line.indexOf('\t');
                    m.missing.putIfAbsent(tab < 0 ? line : line.substring(0, tab), tab < 0 ? "" : line.substring(tab + 1));
                }
            }
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read the model index " + INDEX + " on the classpath: "
                    + e.getMessage(), e);
        }
        return m;
    }

    List<String> names() {
        return List.copyOf(found.keySet());
    }

    boolean has(String name) {
        return found.containsKey(name);
    }

    /** Why the artifact of {@code name} holds no model, or null. */
    String missingReason(String name) {
        return found.containsKey(name) ? null : missing.get(name);
    }

    /** Where the resources of {@code name} come from (for messages). */
    String origin(String name) {
        String url = found.get(name).toString();
        int bang = url.indexOf("!/");
        return bang > 0 && url.startsWith("jar:") ? url.substring(4, bang) : url;
    }

    /**
     * The model's folder on disk (copied from the classpath on first use), with its file checked.
     *
     * @throws EmbeddingException if the model file does not match the {@code sha256} of its descriptor, naming
     *         the artifact it came from
     */
    Path directory(String name) {
        URL base = found.get(name);
        Properties p = new Properties();
        try (Reader r = new InputStreamReader(new URL(base, ModelDescriptor.FILE_NAME).openStream(),
                StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new EmbeddingException("Cannot read " + ModelDescriptor.FILE_NAME + " of model '" + name + "' from "
                    + origin(name) + ": " + e.getMessage(), e);
        }
        String sha = p.getProperty("sha256", "").trim().toLowerCase(java.util.Locale.ROOT);
        if (sha.length() != 64) {
            throw new EmbeddingException("Model '" + name + "' from " + origin(name) + " has no sha256 in its "
                    + ModelDescriptor.FILE_NAME + "; a classpath model must carry its checksum");
        }
        Path dir = extractTo.resolve(name + "-" + sha.substring(0, 16));
        String file = p.getProperty("file", "model.onnx").trim();
        if (Files.isDirectory(dir)) {
            if (sha.equals(sha256(dir.resolve(file)))) {
                return dir;
            }
            deleteQuietly(dir); // a damaged or partly deleted copy: copy it again
        }
        String labels = p.getProperty("labels", "").trim();
        Path tmp = null;
        try {
            Files.createDirectories(extractTo);
            tmp = Files.createTempDirectory(extractTo, "." + name + "-");
            copy(base, ModelDescriptor.FILE_NAME, tmp);
            String got = copy(base, file, tmp);
            if (!got.equals(sha)) {
                throw new EmbeddingException("Model '" + name + "' from " + origin(name) + " is damaged: its " + file
                        + " has SHA-256 " + got + " but its " + ModelDescriptor.FILE_NAME + " expects " + sha
                        + "; rebuild or download again the artifact dev.imagesearch:imagesearch-model-" + name);
            }
            if (!labels.isEmpty()) {
                copy(base, labels, tmp);
            }
            String whitening = p.getProperty(ModelDescriptor.WHITENING_KEY, "").trim();
            if (!whitening.isEmpty()) { // checked against whitening.sha256 when the model loads
                copy(base, whitening, tmp);
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                if (!Files.isDirectory(dir)) { // not another process that finished first
                    throw e;
                }
            }
            return dir;
        } catch (IOException e) {
            throw new EmbeddingException("Cannot copy model '" + name + "' from " + origin(name) + " to " + dir
                    + ": " + e.getMessage() + " (choose another folder with ModelCatalog.builder().extractTo(...))",
                    e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** Copies one resource of the model folder into {@code dir}; returns its SHA-256 (hex). */
    private static String copy(URL base, String relative, Path dir) throws IOException {
        if (relative.contains("..") || relative.startsWith("/")) {
            throw new IOException("'" + relative + "' is outside the model's folder");
        }
        MessageDigest sha = Sha256.newDigest();
        try (InputStream in = new DigestInputStream(new URL(base, relative).openStream(), sha)) {
            Files.copy(in, dir.resolve(relative));
        }
        return Sha256.toHex(sha.digest());
    }

    /** The SHA-256 (hex) of a file, or "" if it cannot be read. */
    private static String sha256(Path file) {
        try {
            return OnnxModel.sha256(file);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static List<String> lines(URL url) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
            return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless: the next copy uses a new one
        }
    }
}
