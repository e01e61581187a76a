@NullMarked
package org.overturn.bench.floor;

import org.jspecify.annotations.NullMarked;
