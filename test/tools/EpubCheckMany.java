/*
 * EPUBCheck over many EPUBs in one Java process (its command line takes one
 * file a run, and a run is mostly the JVM starting). Run as a single-file
 * source program: java -cp epubcheck.jar EpubCheckMany.java a.epub b.epub
 * Each file's messages follow a line "FILE <path>" on standard error.
 */
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

public class EpubCheckMany {
  public static void main(String[] args) {
    for (String name : args) {
      System.err.println("FILE " + name);
      new EpubCheck(new File(name), new DefaultReportImpl(name)).validate();
      System.err.flush();
    }
  }
}
