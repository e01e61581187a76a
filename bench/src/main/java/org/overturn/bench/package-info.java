@NullMarked
package org.overturn.bench;

import org.jspecify.annotations.NullMarked;
