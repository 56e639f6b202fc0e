// OWLAPI read-back of a talentkg file (issue 13.2): parse it with the format named on the command line
// (turtle | rdfxml), never letting OWLAPI fall back to another parser, and report what it read.
// Run with Java's single-file source launch (no build step):
//   java -cp <owlapi-distribution.jar and its dependencies> tests/java/ReadBack.java turtle build/talentkg.ttl
// Output, one fact per line (tests/test_owlapi.py reads it):
//   format <OWLAPI document format class>     the parser that read it (must be the one asked for)
//   triples <n>                                RDF triples the parser consumed
//   unparsed <n>                               triples it could not map to OWL
//   guessed <n>                                declarations it had to guess
//   axioms <n> / logical <n>                   axiom counts
//   class|objectProperty|dataProperty|annotationProperty|individual|datatype <IRI>   declared entities
import java.io.File;
import java.util.TreeSet;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyDocumentSource;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.OWLDeclarationAxiom;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLEntity;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.parameters.Imports;

public class ReadBack {
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: ReadBack turtle|rdfxml FILE");
            System.exit(2);
        }
        OWLDocumentFormat asked = args[0].equals("turtle") ? new TurtleDocumentFormat() : new RDFXMLDocumentFormat();
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // a document source with a format given: OWLAPI uses that format's parser only (no fallback)
        OWLOntologyDocumentSource source = new FileDocumentSource(new File(args[1]), asked);
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setReportStackTraces(false);
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(source, config);
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        System.out.println("format " + (format == null ? "none" : format.getClass().getName()));
        if (format != null && format.getOntologyLoaderMetaData().isPresent()
                && format.getOntologyLoaderMetaData().get() instanceof RDFParserMetaData) {
            RDFParserMetaData meta = (RDFParserMetaData) format.getOntologyLoaderMetaData().get();
            System.out.println("triples " + meta.getTripleCount());
            System.out.println("unparsed " + meta.getUnparsedTriples().count());
            System.out.println("guessed " + meta.getGuessedDeclarations().size());
        }
        System.out.println("axioms " + ontology.getAxiomCount());
        System.out.println("logical " + ontology.getLogicalAxiomCount());
        TreeSet<String> lines = new TreeSet<>();
        for (OWLDeclarationAxiom ax : ontology.getAxioms(org.semanticweb.owlapi.model.AxiomType.DECLARATION)) {
            OWLEntity e = ax.getEntity();
            String kind = e.isOWLClass() ? "class"
                    : e.isOWLObjectProperty() ? "objectProperty"
                    : e.isOWLDataProperty() ? "dataProperty"
                    : e.isOWLAnnotationProperty() ? "annotationProperty"
                    : e.isOWLNamedIndividual() ? "individual" : "datatype";
            lines.add(kind + " " + e.getIRI().toString());
        }
        ontology.getIndividualsInSignature(Imports.EXCLUDED)
                .forEach(i -> lines.add("signatureIndividual " + i.getIRI().toString()));
        lines.forEach(System.out::println);
    }
}
