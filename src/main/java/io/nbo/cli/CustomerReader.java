package io.nbo.cli;

import java.io.IOException;

/** Reads an import file one customer at a time, so a file of any size streams through. */
interface CustomerReader extends AutoCloseable {

    /** The next customer (valid or rejected), or null at the end of the input. */
    CustomerLine next() throws IOException;

    @Override
    void close() throws IOException;
}
