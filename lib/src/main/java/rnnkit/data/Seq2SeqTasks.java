package rnnkit.data;

import java.time.LocalDate;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import rnnkit.core.Rng;

/**
 * Deterministic, generated data for sequence-to-sequence models (character level): the same seed always gives
 * the same pairs.
 */
public final class Seq2SeqTasks {

    private Seq2SeqTasks() {
    }

    /** A source string and the target string a model should produce from it. */
    public record Pair(String source, String target) {
    }

    private static final LocalDate FIRST = LocalDate.of(1950, 1, 1);
    private static final int DAYS = (int) (LocalDate.of(2049, 12, 31).toEpochDay() - FIRST.toEpochDay()) + 1;

    /**
     * Dates as people write them, to ISO dates: "25 November 2026", "nov 25, 2026", "25/11/2026",
     * "Wednesday, November 25, 2026", "25.11.26" ... all become "2026-11-25". Dates are uniform in 1950-2049;
     * two-digit years mean that window (26 is 2026, 87 is 1987).
     */
    public static List<Pair> dates(int n, Rng rng) {
        List<Pair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            LocalDate d = FIRST.plusDays(rng.nextInt(DAYS));
            out.add(new Pair(humanDate(d, rng.nextInt(DATE_FORMATS)), d.toString()));
        }
        return out;
    }

    private static final int DATE_FORMATS = 10;

    static String humanDate(LocalDate d, int format) {
        String month = d.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
        String mon = d.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        String weekday = d.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
        int day = d.getDayOfMonth();
        int y = d.getYear();
        String yy = String.format(Locale.ROOT, "%02d", y % 100);
        switch (format) {
            case 0: return day + " " + month + " " + y;                                   // 25 November 2026
            case 1: return day + " " + mon + " " + y;                                     // 25 Nov 2026
            case 2: return month + " " + day + ", " + y;                                  // November 25, 2026
            case 3: return mon.toLowerCase(Locale.ROOT) + " " + day + ", " + y;           // nov 25, 2026
            case 4: return mon.toLowerCase(Locale.ROOT) + " " + day + ", " + yy;          // nov 25, 26
            case 5: return String.format(Locale.ROOT, "%02d/%02d/%d", day, d.getMonthValue(), y);   // 25/11/2026
            case 6: return String.format(Locale.ROOT, "%d.%d.%s", day, d.getMonthValue(), yy);      // 25.11.26
            case 7: return weekday + ", " + month + " " + day + ", " + y;                 // Wednesday, November 25, 2026
            case 8: return day + " " + month.toUpperCase(Locale.ROOT) + " " + y;          // 25 NOVEMBER 2026
            default: return y + " " + mon + " " + day;                                    // 2026 Nov 25
        }
    }

    /** "a+b" to the sum, for numbers of 1 to {@code maxDigits} digits: "123+45" becomes "168". */
    public static List<Pair> addition(int n, int maxDigits, Rng rng) {
        List<Pair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long a = number(maxDigits, rng);
            long b = number(maxDigits, rng);
            out.add(new Pair(a + "+" + b, Long.toString(a + b)));
        }
        return out;
    }

    private static long number(int maxDigits, Rng rng) {
        int digits = 1 + rng.nextInt(maxDigits);
        long lo = digits == 1 ? 0 : (long) Math.pow(10, digits - 1);
        long span = (long) Math.pow(10, digits) - lo;
        return lo + (long) (rng.uniform() * span);
    }

    /** Random lowercase strings of {@code minLength} to {@code maxLength} letters, to their reversal. */
    public static List<Pair> reversal(int n, int minLength, int maxLength, Rng rng) {
        List<Pair> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = minLength + rng.nextInt(maxLength - minLength + 1);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < len; k++) {
                sb.append((char) ('a' + rng.nextInt(26)));
            }
            out.add(new Pair(sb.toString(), sb.reverse().toString()));
        }
        return out;
    }
}
