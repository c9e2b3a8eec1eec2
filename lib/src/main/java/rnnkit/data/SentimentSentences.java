package rnnkit.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The 3,000 sentiment-labelled review sentences of Kotzias et al. (KDD 2015): 1,000 each from Amazon, IMDb and
 * Yelp, half positive (1), half negative (0).
 *
 * <p>The split is fixed and needs no random numbers: within each site and label, in file order, sentence i goes
 * to validation if i mod 10 = 8, to test if i mod 10 = 9, else to training. So training has 2,400 sentences,
 * validation and test 300 each, all balanced across sites and labels.
 */
public final class SentimentSentences {

    public static final Map<String, String> FILES = Map.of(
            "amazon", "47003fc0a0d4840b00e96e715b6189bad09e7443a3da41c4cbe12ffc79f86ae3",
            "imdb", "c662b9360c1652babb990d164835af12aa105db7991f1fdb19038115f0e93de8",
            "yelp", "b565b1eeb864d76842588c3a256731b08bcdd9faf6de507bfe211a96f8b81912");
    private static final List<String> SITES = List.of("amazon", "imdb", "yelp");

    private SentimentSentences() {
    }

    /** One sentence, its label (1 positive, 0 negative) and its site. */
    public record Example(String sentence, int label, String site) {
    }

    /** The fixed split. */
    public record Split(List<Example> train, List<Example> validation, List<Example> test) {
    }

    /** The shipped files, checked. */
    public static Split load() {
        List<Example> all = new ArrayList<>();
        for (String site : SITES) {
            String name = site.equals("amazon") ? "amazon_cells" : site;
            Path file = KitPaths.dataset("sentiment-labelled-sentences/" + name + "_labelled.txt");
            Checksums.verify(file, FILES.get(site));
            all.addAll(parse(file, site));
        }
        return split(all);
    }

    /** Reads one file of {@code sentence<TAB>label} lines; a malformed line is an error naming file and line. */
    public static List<Example> parse(Path file, String site) {
        List<String> lines = Lines.read(file);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\r", "");
            if (line.isBlank()) {
                continue;
            }
            int tab = line.lastIndexOf('\t');
            String label = tab < 0 ? "" : line.substring(tab + 1).strip();
            if (tab <= 0 || !(label.equals("0") || label.equals("1"))) {
                throw new DatasetException(file + ":" + (i + 1) + ": expected 'sentence<TAB>0' or 'sentence<TAB>1', got '"
                        + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'");
            }
            out.add(new Example(line.substring(0, tab).strip(), Integer.parseInt(label), site));
        }
        return out;
    }

    static Split split(List<Example> all) {
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        List<Example> test = new ArrayList<>();
        for (String site : SITES) {
            for (int label = 0; label <= 1; label++) {
                int i = 0;
                for (Example e : all) {
                    if (e.site().equals(site) && e.label() == label) {
                        (i % 10 == 8 ? validation : i % 10 == 9 ? test : train).add(e);
                        i++;
                    }
                }
            }
        }
        return new Split(train, validation, test);
    }
}
